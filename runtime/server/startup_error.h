// A configuration the runtime cannot start with, found only when starting (a log file
// that cannot be opened): what() is a whole diagnostic, "FILE:LINE:COL: error: ...".
#pragma once

#include <stdexcept>
#include <string>

namespace pg::runtime {

struct StartupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace pg::runtime
