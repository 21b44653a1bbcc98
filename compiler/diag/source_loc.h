// Where an element of a configuration came from: every IR element and every
// diagnostic carries one.
#pragma once

#include <string>

namespace pg {

struct SourceLoc {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown (built-in defaults)
  int column = 0;  // 1-based byte column; 0 when unknown
};

}  // namespace pg
