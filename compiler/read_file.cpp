#include "read_file.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pg {

int read_file(const std::string& path, std::string& out) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) return EISDIR;
  // Devices and pipes (/dev/zero, a FIFO) would never end: a configuration is a file.
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) return EINVAL;
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno ? errno : ENOENT;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return 0;
}

}  // namespace pg
