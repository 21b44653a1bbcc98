#include "eval/header_ops.h"

#include "ir/regex.h"
#include "ir/route_select.h"
#include "ir/text.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

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

// The field operations, for both header representations.
bool has_field(const HeaderList& h, const std::string& name) {
  return std::any_of(h.begin(), h.end(), [&](const auto& f) { return iequals(f.first, name); });
}
void add_field(HeaderList& h, const std::string& name, std::string value) { h.emplace_back(name, std::move(value)); }
void replace_values(HeaderList& h, const std::string& name, const ir::Regex& re, const std::string& replacement) {
  for (auto& [k, v] : h)
    if (iequals(k, name)) v = re.replace_all(v, replacement);
}

bool has_field(const boost::beast::http::fields& h, const std::string& name) { return h.count(name) > 0; }
void remove_field(boost::beast::http::fields& h, const std::string& name) { h.erase(name); }
void add_field(boost::beast::http::fields& h, const std::string& name, const std::string& value) {
  h.insert(name, value);
}
void replace_values(boost::beast::http::fields& h, const std::string& name, const ir::Regex& re,
                    const std::string& replacement) {
  std::vector<std::string> values;
  for (auto [it, end] = h.equal_range(name); it != end; ++it) values.push_back(re.replace_all(std::string(it->value()), replacement));
  h.erase(name);
  for (const auto& v : values) h.insert(name, v);
}
void remove_field(HeaderList& h, const std::string& name) { remove_header(h, name); }

// Names come from the config, which outlives the list.
bool has_field(const FieldList& h, const std::string& name) { return h.has(name); }
void remove_field(FieldList& h, const std::string& name) { h.remove(name); }
void add_field(FieldList& h, const std::string& name, std::string value) { h.add_owned(name, std::move(value)); }
void replace_values(FieldList& h, const std::string& name, const ir::Regex& re, const std::string& replacement) {
  h.rewrite_values(name, [&](std::string_view v) { return re.replace_all(std::string(v), replacement); });
}

// A replace operation's pattern, compiled once per thread (compiling costs more than
// matching); keyed by the pattern's text, so that a reloaded configuration never meets
// a stale entry. The patterns are the configuration's: the cache stays small.
const ir::Regex& compiled(const std::string& pattern) {
  thread_local std::unordered_map<std::string, ir::Regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) it = cache.emplace(pattern, ir::Regex(pattern, false)).first;
  return it->second;
}

// One implementation for both: the operations in order, those `applies` accepts.
template <class Headers, class Applies>
void apply(const std::vector<ir::HeaderOp>& ops, Headers& headers, const Evaluator& eval, ir::RequestView& request,
           Applies applies) {
  for (const auto& op : ops) {
    if (!applies(op)) continue;
    // HAProxy's "option forwardfor except NET": not for those clients.
    if (std::any_of(op.except_clients.begin(), op.except_clients.end(),
                    [&](const std::string& cidr) { return ir::cidr_contains(cidr, request.client_address); }))
      continue;
    switch (op.op) {
      case ir::HeaderOpKind::remove:
        remove_field(headers, op.name);
        break;
      case ir::HeaderOpKind::set: {
        std::string value = eval.eval(op.value, request);
        remove_field(headers, op.name);
        if (!value.empty() || !op.omit_empty) add_field(headers, op.name, std::move(value));
        break;
      }
      case ir::HeaderOpKind::replace: {  // Caddy's header_up NAME SEARCH REPLACE
        replace_values(headers, op.name, compiled(op.search), eval.eval(op.value, request));
        break;
      }
      case ir::HeaderOpKind::add_if_absent:  // HAProxy's "option forwardfor if-none"
        if (has_field(headers, op.name)) break;
        [[fallthrough]];
      case ir::HeaderOpKind::add: {
        std::string value = eval.eval(op.value, request);
        if (!value.empty() || !op.omit_empty) add_field(headers, op.name, std::move(value));
        break;
      }
    }
  }
}

}  // namespace

void remove_header(HeaderList& headers, const std::string& name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); }),
                headers.end());
}

void apply_header_ops(const std::vector<ir::HeaderOp>& ops, HeaderList& headers, const Evaluator& eval,
                      ir::RequestView& request) {
  apply(ops, headers, eval, request, [](const ir::HeaderOp&) { return true; });
}

void apply_header_ops(const std::vector<ir::HeaderOp>& ops, boost::beast::http::fields& headers, const Evaluator& eval,
                      ir::RequestView& request) {
  apply(ops, headers, eval, request, [](const ir::HeaderOp&) { return true; });
}

void apply_header_ops(const std::vector<ir::HeaderOp>& ops, FieldList& headers, const Evaluator& eval,
                      ir::RequestView& request) {
  apply(ops, headers, eval, request, [](const ir::HeaderOp&) { return true; });
}

void apply_response_header_ops(const std::vector<ir::HeaderOp>& ops, FieldList& headers, int status,
                               const Evaluator& eval, ir::RequestView& request) {
  apply(ops, headers, eval, request, [&](const ir::HeaderOp& op) { return op.always || success_or_redirect(status); });
}

void apply_response_header_ops(const std::vector<ir::HeaderOp>& ops, HeaderList& headers, int status,
                               const Evaluator& eval, ir::RequestView& request) {
  apply(ops, headers, eval, request, [&](const ir::HeaderOp& op) { return op.always || success_or_redirect(status); });
}

void apply_response_header_ops(const std::vector<ir::HeaderOp>& ops, boost::beast::http::fields& headers, int status,
                               const Evaluator& eval, ir::RequestView& request) {
  apply(ops, headers, eval, request, [&](const ir::HeaderOp& op) { return op.always || success_or_redirect(status); });
}

}  // namespace pg::runtime
