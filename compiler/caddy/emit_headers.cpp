#include "caddy/emit_headers.h"

#include <fmt/format.h>

namespace pg::caddy {

std::string header_words(EmitContext& cx, const ir::HeaderOp& op, std::string_view regex_name) {
  if (!op.except_clients.empty())
    cx.cannot(op.loc, fmt::format("a header operation on {} skipped for some clients", op.name),
              "it applies to every client");
  std::string value = token(placeholders(cx, op.value, op.loc, regex_name));
  switch (op.op) {
    case ir::HeaderOpKind::set: return token(op.name) + " " + value;
    case ir::HeaderOpKind::add: return token("+" + op.name) + " " + value;
    case ir::HeaderOpKind::remove: return token("-" + op.name);
    case ir::HeaderOpKind::replace: return token(op.name) + " " + token(op.search) + " " + value;
    case ir::HeaderOpKind::add_if_absent:
      cx.cannot(op.loc, fmt::format("adding {} only when it is absent", op.name), "it is always set");
      return token(op.name) + " " + value;
  }
  return token(op.name);
}

}  // namespace pg::caddy
