#include "caddy/header_ops.h"

#include <fmt/format.h>

#include "caddy/values.h"

namespace pg::caddy {

std::optional<ir::HeaderOp> header_op(Lowerer& l, const std::vector<Word>& words, const SourceLoc& at) {
  if (words.empty() || words.size() > 3) {
    l.error(at, "Wrong argument count or unexpected line ending after header field");
    return std::nullopt;
  }
  ir::HeaderOp op;
  op.loc = words[0].loc;
  std::string field = words[0].value;
  char prefix = field.empty() ? '\0' : field[0];
  if (prefix == '+' || prefix == '-' || prefix == '>' || prefix == '?') field.erase(0, 1);
  if (field.empty()) {
    l.error(words[0].loc, "header field name is empty");
    return std::nullopt;
  }
  if (prefix == '?') {
    l.error(words[0].loc, fmt::format("header default ?{} is not supported by proxyglot yet", field));
    return std::nullopt;
  }
  if (field.find('*') != std::string::npos) {
    l.error(words[0].loc, fmt::format("header field wildcard {} is not supported by proxyglot yet", field));
    return std::nullopt;
  }
  op.name = field;
  auto value = [&](const Word& w) {
    std::string err;
    ir::Template t = parse_template(w.value, &err);
    if (!err.empty()) l.error(w.loc, err);
    return t;
  };
  if (prefix == '-') {
    if (words.size() != 1) {
      l.error(at, fmt::format("deleting header {} takes no value", field));
      return std::nullopt;
    }
    op.op = ir::HeaderOpKind::remove;
    return op;
  }
  if (words.size() == 1) {
    l.error(at, fmt::format("Wrong argument count or unexpected line ending after '{}'", words[0].value));
    return std::nullopt;
  }
  if (words.size() == 3) {
    if (prefix == '+') {
      l.error(at, fmt::format("adding header {} takes one value", field));
      return std::nullopt;
    }
    op.op = ir::HeaderOpKind::replace;
    op.search = words[1].value;
    op.value = value(words[2]);
    return op;
  }
  op.op = prefix == '+' ? ir::HeaderOpKind::add : ir::HeaderOpKind::set;
  op.value = value(words[1]);
  return op;
}

}  // namespace pg::caddy
