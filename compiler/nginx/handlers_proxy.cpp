// proxy_* and grpc_*: where a location forwards to and how.
#include <fmt/format.h>

#include "nginx/handlers.h"
#include "nginx/values.h"

namespace pg::nginx::handlers {

namespace {

Settings& settings(Lowerer& l) { return *l.frame().settings; }

// Splits "scheme://authority/uri". nginx reports a bad scheme as an invalid URL prefix.
bool parse_pass_url(Lowerer& l, const Directive& d, bool grpc, ProxyPass& pp) {
  std::string url = d.args[0].value;
  pp.loc = report_loc(d);
  pp.grpc = grpc;
  size_t sep = url.find("://");
  std::string scheme = sep == std::string::npos ? "" : url.substr(0, sep);
  bool ok_scheme = grpc ? (scheme == "grpc" || scheme == "grpcs" || scheme.empty())
                        : (scheme == "http" || scheme == "https");
  if (!ok_scheme) {
    if (!grpc && !url.empty() && url[0] == '$')
      l.arg_error(d, 0, fmt::format("\"{}\" with a variable scheme is not supported by proxyglot yet", d.name));
    else
      l.arg_error(d, 0, fmt::format("invalid URL prefix in \"{}\"", url));
    return false;
  }
  pp.scheme = scheme.empty() ? "grpc" : scheme;
  std::string rest = sep == std::string::npos ? url : url.substr(sep + 3);
  size_t slash;
  if (rest.rfind("unix:", 0) == 0) {
    size_t colon = rest.find(':', 5);  // unix:/path:/uri
    slash = colon == std::string::npos ? std::string::npos : colon;
    pp.target = rest.substr(0, slash);
    if (slash != std::string::npos) {
      pp.has_uri = true;
      pp.uri = rest.substr(slash + 1);
    }
  } else {
    slash = rest.find('/');
    pp.target = rest.substr(0, slash);
    if (slash != std::string::npos) {
      pp.has_uri = true;
      pp.uri = rest.substr(slash);
    }
  }
  pp.dynamic = has_variables(pp.target);
  pp.dynamic_uri = has_variables(url);
  if (pp.target.empty()) {
    l.arg_error(d, 0, fmt::format("no host in \"{}\" of the \"{}\" directive", url, d.name));
    return false;
  }
  if (!pp.dynamic && !parse_host_port(pp.target)) {
    l.arg_error(d, 0, fmt::format("invalid host in \"{}\" of the \"{}\" directive", url, d.name));
    return false;
  }
  if (grpc && pp.has_uri) {
    l.arg_error(d, 0, fmt::format("invalid host in \"{}\" of the \"grpc_pass\" directive", url));
    return false;
  }
  return true;
}

void pass(Lowerer& l, const Directive& d, bool grpc) {
  LocationNode& loc = *l.frame().location;
  if (loc.proxy) return l.error(d, fmt::format("\"{}\" directive is duplicate", d.name));
  ProxyPass pp;
  if (!parse_pass_url(l, d, grpc, pp)) return;
  bool regexy = loc.kind == LocKind::regex || loc.kind == LocKind::regex_i || loc.kind == LocKind::named;
  if (pp.has_uri && !pp.dynamic_uri && regexy)
    return l.error(d, "\"proxy_pass\" cannot have URI part in location given by regular expression, "
                      "or inside named location, or inside \"if\" statement, or inside \"limit_except\" block");
  // Validate variables now, where the directive is.
  if (pp.dynamic_uri && !l.tmpl(d, 0)) return;
  // nginx answers a request for the name without its final '/' with a 301 to it.
  if (!regexy && !loc.path.empty() && loc.path.back() == '/') loc.auto_redirect = true;
  loc.proxy = std::move(pp);
}

void header(Lowerer& l, const Directive& d, Opt<std::vector<ir::HeaderOp>>& list) {
  auto value = l.tmpl(d, 1);
  if (!value) return;
  if (!list) list.emplace();
  ir::HeaderOp op{report_loc(d), ir::HeaderOpKind::set, d.args[0].value, std::move(*value), true, {}};
  if (d.args[1].value.empty()) op.op = ir::HeaderOpKind::remove;  // "" : not passed at all
  list->push_back(std::move(op));
}

void time(Lowerer& l, const Directive& d, Opt<int64_t>& field) {
  auto t = parse_time_ms(d.args[0].value);
  if (!t) return l.invalid_value(d, 0);
  field = *t;
}

}  // namespace

void proxy_pass(Lowerer& l, const Directive& d) { pass(l, d, false); }
void grpc_pass(Lowerer& l, const Directive& d) { pass(l, d, true); }

void proxy_set_header(Lowerer& l, const Directive& d) { header(l, d, settings(l).proxy_headers); }
void grpc_set_header(Lowerer& l, const Directive& d) { header(l, d, settings(l).grpc_headers); }

void proxy_http_version(Lowerer& l, const Directive& d) {
  const std::string& v = d.args[0].value;
  if (v == "1.0") settings(l).proxy_http_version = ir::UpstreamProtocol::http1_0;
  else if (v == "1.1") settings(l).proxy_http_version = ir::UpstreamProtocol::http1_1;
  else l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"proxy_http_version\" directive, it must be \"1.0\" or \"1.1\"", v));
}

void proxy_connect_timeout(Lowerer& l, const Directive& d) { time(l, d, settings(l).connect_timeout); }
void proxy_send_timeout(Lowerer& l, const Directive& d) { time(l, d, settings(l).send_timeout); }
void proxy_read_timeout(Lowerer& l, const Directive& d) { time(l, d, settings(l).read_timeout); }
void proxy_next_upstream_timeout(Lowerer& l, const Directive& d) { time(l, d, settings(l).next_upstream_timeout); }

void proxy_buffering(Lowerer& l, const Directive& d) {
  auto v = parse_flag(d.args[0].value);
  if (!v) return l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"proxy_buffering\" directive, it must be \"on\" or \"off\"", d.args[0].value));
  settings(l).buffering = *v;
}

void proxy_buffer_size(Lowerer& l, const Directive& d) {
  auto v = parse_size(d.args[0].value);
  if (!v || *v == 0) return l.invalid_value(d, 0);
  settings(l).buffer_size = *v;
}

void proxy_buffers(Lowerer& l, const Directive& d) {
  auto n = parse_int(d.args[0].value);
  if (!n || *n < 1) return l.arg_error(d, 0, fmt::format("invalid value \"{}\"", d.args[0].value));
  auto size = parse_size(d.args[1].value);
  if (!size || *size == 0) return l.arg_error(d, 1, fmt::format("invalid value \"{}\"", d.args[1].value));
  settings(l).buffers = std::pair<int, int64_t>{*n, *size};
}

void proxy_next_upstream(Lowerer& l, const Directive& d) {
  using ir::RetryOn;
  static const std::pair<const char*, RetryOn> names[] = {
      {"error", RetryOn::error},         {"timeout", RetryOn::timeout},
      {"invalid_header", RetryOn::invalid_header}, {"http_500", RetryOn::http_500},
      {"http_502", RetryOn::http_502},   {"http_503", RetryOn::http_503},
      {"http_504", RetryOn::http_504},   {"http_403", RetryOn::http_403},
      {"http_404", RetryOn::http_404},   {"http_429", RetryOn::http_429},
      {"non_idempotent", RetryOn::non_idempotent}};
  std::vector<RetryOn> on;
  for (size_t i = 0; i < d.args.size(); ++i) {
    const std::string& v = d.args[i].value;
    if (v == "off" && d.args.size() == 1) break;
    if (v == "denied")
      return l.arg_error(d, i, "proxy_next_upstream \"denied\" is not supported by proxyglot yet");
    bool found = false;
    for (auto [n, r] : names)
      if (v == n) { on.push_back(r); found = true; }
    if (!found) return l.arg_error(d, i, fmt::format("invalid value \"{}\"", v));
  }
  settings(l).next_upstream = std::move(on);
}

void proxy_next_upstream_tries(Lowerer& l, const Directive& d) {
  auto n = parse_int(d.args[0].value);
  if (!n) return l.invalid_value(d, 0);
  settings(l).next_upstream_tries = *n;
}

void grpc_connect_timeout(Lowerer& l, const Directive& d) { time(l, d, settings(l).grpc_connect_timeout); }
void grpc_send_timeout(Lowerer& l, const Directive& d) { time(l, d, settings(l).grpc_send_timeout); }
void grpc_read_timeout(Lowerer& l, const Directive& d) { time(l, d, settings(l).grpc_read_timeout); }

void proxy_request_buffering(Lowerer& l, const Directive& d) {
  auto v = parse_flag(d.args[0].value);
  if (!v) return l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"proxy_request_buffering\" directive, it must be \"on\" or \"off\"", d.args[0].value));
  settings(l).request_buffering = *v;
}

// Fields of the upstream's response that are not passed on: a removal, applied before
// add_header's fields (nginx adds those to the response it sends).
void proxy_hide_header(Lowerer& l, const Directive& d) {
  auto& list = settings(l).hide_headers;
  if (!list) list.emplace();
  list->push_back(ir::HeaderOp{report_loc(d), ir::HeaderOpKind::remove, d.args[0].value, {}, true, {}});
}

void proxy_redirect(Lowerer& l, const Directive& d) {
  auto& rr = settings(l).proxy_redirect;
  if (d.args.size() == 1) {
    const std::string& v = d.args[0].value;
    if (v == "off") {
      rr = ir::RedirectRewrite{ir::RedirectRewriteMode::off, {}};
    } else if (v == "default") {
      if (!rr) rr.emplace();
      rr->mode = ir::RedirectRewriteMode::automatic;
    } else {
      l.arg_error(d, 0, fmt::format("invalid parameter \"{}\"", v));
    }
    return;
  }
  ir::RedirectRule rule;
  rule.loc = report_loc(d);
  std::string from = d.args[0].value;
  if (from.size() > 1 && from[0] == '~') {
    rule.regex = true;
    rule.case_insensitive = from[1] == '*';
    rule.from = from.substr(rule.case_insensitive ? 2 : 1);
    if (!l.check_regex(d, 0, rule.from, rule.case_insensitive)) return;
  } else {
    rule.from = from;
  }
  auto to = l.tmpl(d, 1);
  if (!to) return;
  rule.to = std::move(*to);
  // Explicit rules replace the automatic one unless "default" was also given here.
  if (!rr) rr = ir::RedirectRewrite{ir::RedirectRewriteMode::rules, {}};
  else if (rr->mode == ir::RedirectRewriteMode::off) rr->mode = ir::RedirectRewriteMode::rules;
  rr->rules.push_back(std::move(rule));
}

}  // namespace pg::nginx::handlers
