#include "eval/header_ops.h"

#include "ir/regex.h"
#include "ir/route_select.h"
#include "ir/text.h"

#include <algorithm>
#include <cctype>

namespace pg::runtime {

namespace {

using ir::iequals;


bool success_or_redirect(int status) {
  switch (status) {
    case 200: case 201: case 204: case 206: case 301: case 302: case 303: case 304: case 307: case 308:
      return true;
    default:
      return false;
  }
}

}  // namespace

void remove_header(HeaderList& headers, const std::string& name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); }),
                headers.end());
}

void apply_header_ops(const std::vector<ir::HeaderOp>& ops, HeaderList& headers, const Evaluator& eval,
                      ir::RequestView& request) {
  for (const auto& op : ops) {
    // HAProxy's "option forwardfor except NET": not for those clients.
    if (std::any_of(op.except_clients.begin(), op.except_clients.end(),
                    [&](const std::string& cidr) { return ir::cidr_contains(cidr, request.client_address); }))
      continue;
    switch (op.op) {
      case ir::HeaderOpKind::remove:
        remove_header(headers, op.name);
        break;
      case ir::HeaderOpKind::set: {
        std::string value = eval.eval(op.value, request);
        remove_header(headers, op.name);
        if (!value.empty()) headers.emplace_back(op.name, std::move(value));
        break;
      }
      case ir::HeaderOpKind::replace: {  // Caddy's header_up NAME SEARCH REPLACE
        ir::Regex re(op.search, false);
        std::string replacement = eval.eval(op.value, request);
        for (auto& [k, v] : headers)
          if (iequals(k, op.name)) v = re.replace_all(v, replacement);
        break;
      }
      case ir::HeaderOpKind::add_if_absent:  // HAProxy's "option forwardfor if-none"
        if (std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, op.name); }))
          break;
        [[fallthrough]];
      case ir::HeaderOpKind::add: {
        std::string value = eval.eval(op.value, request);
        if (!value.empty()) headers.emplace_back(op.name, std::move(value));
        break;
      }
    }
  }
}

void apply_response_header_ops(const std::vector<ir::HeaderOp>& ops, HeaderList& headers, int status,
                               const Evaluator& eval, ir::RequestView& request) {
  std::vector<ir::HeaderOp> applicable;
  for (const auto& op : ops)
    if (op.always || success_or_redirect(status)) applicable.push_back(op);
  apply_header_ops(applicable, headers, eval, request);
}

}  // namespace pg::runtime
