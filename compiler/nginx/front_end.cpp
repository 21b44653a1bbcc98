#include <fmt/format.h>

#include "front_ends.h"
#include "nginx/directive_table.h"
#include "nginx/lower.h"

namespace pg::nginx {

namespace {

std::string listing() {
  std::string out;
  for (const auto& s : directive_table()) {
    if (s.handler)
      out += fmt::format("{:<30} {:<28} {}\n", s.name, context_names(s.contexts), s.summary);
    else
      out += fmt::format("{:<30} {:<28} {}\n", s.name, "-", "not supported yet");
  }
  return out;
}

}  // namespace

const FrontEnd& front_end() {
  static const FrontEnd fe{Dialect::nginx, true, compile_text, support_matrix_markdown, listing};
  return fe;
}

}  // namespace pg::nginx
