#include "read_file.h"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pg {

int read_file(const std::string& path, std::string& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return EISDIR;
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno ? errno : ENOENT;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return 0;
}

}  // namespace pg
