#include "emit/emit_text.h"

#include <fmt/format.h>

namespace pg::emit {

std::string source_comment(const SourceLoc& loc) {
  std::string_view file = loc.file.view();
  if (auto slash = file.rfind('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  if (file.empty()) file = "defaults";
  return loc.line ? fmt::format("from {}:{}", file, loc.line) : fmt::format("from {}", file);
}

std::string duration(int64_t ms) {
  if (ms != 0 && ms % 3600000 == 0) return fmt::format("{}h", ms / 3600000);
  if (ms != 0 && ms % 60000 == 0) return fmt::format("{}m", ms / 60000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

}  // namespace pg::emit
