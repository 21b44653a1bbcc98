#include "support_matrix.h"

#include <fmt/format.h>

namespace pg {

std::string arity_text(int min_args, int max_args, bool block) {
  if (block && max_args == 0) return "block";
  std::string a = max_args < 0            ? fmt::format("{}+", min_args)
                  : min_args == max_args ? fmt::format("{}", min_args)
                                         : fmt::format("{}-{}", min_args, max_args);
  return block ? a + " + block" : a;
}

std::string wrapped_names(const std::vector<std::string_view>& names, size_t width) {
  std::string out, line;
  for (auto name : names) {
    std::string item = fmt::format("`{}`", name);
    if (!line.empty() && line.size() + item.size() + 2 > width) {
      out += line + "\n";
      line.clear();
    }
    line += line.empty() ? item : ", " + item;
  }
  if (!line.empty()) out += line + "\n";
  return out;
}

}  // namespace pg
