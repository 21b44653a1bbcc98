#include "front_ends.h"

#include "caddy/directive_table.h"
#include "caddy/imports.h"
#include "caddy/lower.h"
#include "caddy/lowerer.h"

namespace pg::caddy {

std::optional<ir::Config> compile_text(std::string_view text, const std::string& name, Diagnostics& diags) {
  std::vector<Node> nodes = read_caddyfile(text, name, diags);
  Lowerer l(diags, name);
  l.lower_file(nodes);
  nodes.clear();
  // Build even after errors: what only the whole file shows is reported in the same run.
  ir::Config c = l.build();
  if (diags.has_errors()) return std::nullopt;
  return c;
}

const FrontEnd& front_end() {
  static const FrontEnd fe{Dialect::caddy, true, compile_text, support_matrix_markdown, directive_listing};
  return fe;
}

}  // namespace pg::caddy
