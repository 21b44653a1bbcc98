// Reading a configuration file whole, as bytes.
#pragma once

#include <string>

namespace pg {

// 0, or the errno that kept `path` from being read (EISDIR for a directory,
// EINVAL for anything but a regular file).
int read_file(const std::string& path, std::string& out);

}  // namespace pg
