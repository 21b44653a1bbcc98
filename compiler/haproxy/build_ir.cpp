// From collected proxies to the IR: defaults already copied in, HAProxy's defaults
// written explicitly, backends become pools, each frontend one virtual host whose routes
// are its terminal http-request rules, then its use_backend rules in order (first match
// wins), then its default backend; nothing matching answers 503 as HAProxy does.
#include <algorithm>
#include <climits>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "haproxy/access_logs.h"
#include "haproxy/builtin_responses.h"
#include "haproxy/lowerer.h"

namespace pg::haproxy {

namespace {

// HAProxy's largest timer (about 24.8 days): what "no timeout" becomes in the IR.
constexpr int64_t kNoTimeout = INT_MAX;

int64_t timeout_or(const Settings& s, const std::string& kind, int64_t fallback) {
  auto it = s.timeouts.find(kind);
  return it != s.timeouts.end() && it->second.set ? it->second.ms : fallback;
}


ir::Template literal(std::string s) {
  ir::Template t;
  if (!s.empty()) t.parts.push_back({ir::Var::literal, std::move(s)});
  return t;
}

// An errorfile is a named route; its name says which one and the error page points at it.
std::string errorfile_route(const ErrorFile& e) {
  if (e.http_error) return fmt::format("http-error status {} (line {})", e.code, e.loc.line);
  return fmt::format("errorfile {} {}", e.code, e.file);
}

ir::ErrorPage errorfile_page(const ErrorFile& e) {
  ir::ErrorPage ep;
  ep.loc = e.loc;
  ep.codes = {e.code};
  ep.status_mode = ir::ErrorStatus::from_target;
  ep.target_kind = ir::ErrorTarget::named_route;
  ep.target = literal(errorfile_route(e));
  return ep;
}

ir::Matcher all_of(std::vector<ir::Matcher> children) {
  ir::Matcher m;
  m.op = ir::MatchOp::all;
  for (auto& c : children) {
    // Flatten "all of nothing" (always true) away.
    if (c.op == ir::MatchOp::all && c.children.empty()) continue;
    m.children.push_back(std::move(c));
  }
  if (m.children.size() == 1) return std::move(m.children.front());
  return m;
}

ir::HeaderOp header_op(const HttpRule& r) {
  ir::HeaderOp op;
  op.loc = r.loc;
  op.op = r.kind == RuleKind::set_header   ? ir::HeaderOpKind::set
          : r.kind == RuleKind::add_header ? ir::HeaderOpKind::add
                                           : ir::HeaderOpKind::remove;
  op.name = r.name;
  op.value = r.value;
  op.always = true;  // HAProxy's rules apply to every response status
  op.omit_empty = r.omit_empty;  // else HAProxy sends an empty value as it is
  return op;
}

bool is_header_rule(RuleKind k) {
  return k == RuleKind::set_header || k == RuleKind::add_header || k == RuleKind::del_header;
}
bool is_path_rule(RuleKind k) { return k == RuleKind::set_path || k == RuleKind::replace_path; }
bool is_terminal(RuleKind k) { return k == RuleKind::deny || k == RuleKind::return_ || k == RuleKind::redirect; }

ir::RewriteStep rewrite_step(const HttpRule& r, ir::RewriteFlag flag) {
  ir::RewriteStep s;
  s.loc = r.loc;
  s.kind = ir::RewriteKind::rewrite;
  // set-path replaces the whole path; replace-path only when its regex matches.
  s.regex = r.kind == RuleKind::set_path ? "^.*$" : r.regex;
  s.replacement = r.value;
  s.append_query = true;  // both keep the query string
  s.flag = flag;
  return s;
}

class Builder {
 public:
  Builder(Lowerer& l, const GlobalState& g, const std::vector<Proxy>& proxies, const std::string& file)
      : l_(l), global_(g), proxies_(proxies), file_(file) {}

  ir::Config build();

 private:
  void build_pool(const Proxy& p);
  void build_frontend(const Proxy& fe);
  ir::Route base_route(const Proxy& fe, const SourceLoc& loc, std::string name);
  ir::Route backend_route(const Proxy& fe, const Proxy& be, const SwitchRule& rule,
                          const std::vector<bool>& taken);
  std::vector<ir::Route> backend_routes(const Proxy& fe, const Proxy& be, const SwitchRule& rule);
  void terminal_route(ir::Route& r, const HttpRule& rule);
  const Proxy* backend(const std::string& name) const;
  void check_rule_order(const Proxy& p, bool as_backend);
  void check_header_dependencies(const Proxy& fe);
  void global_pages();
  void body_limit(ir::Route& r, const Proxy& p) const;
  // An errorfile or http-error the routes carry (not one of Config.responses.pages).
  bool routed(const ErrorFile& e) const { return !(e.http_error && global_codes_.count(e.code)); }

  Lowerer& l_;
  const GlobalState& global_;
  const std::vector<Proxy>& proxies_;
  std::string file_;
  ir::Config c_;
  std::set<std::string> warned_no_log_;
  std::unordered_map<std::string, const Proxy*> backends_;  // the first of each name
  std::set<const Proxy*> checked_backends_;
  std::set<std::pair<const Proxy*, const Proxy*>> checked_pairs_;  // frontend, backend
  std::set<int> global_codes_;  // http-error statuses every proxy answers alike
};

const Proxy* Builder::backend(const std::string& name) const {
  auto it = backends_.find(name);
  return it == backends_.end() ? nullptr : it->second;
}

void Builder::build_pool(const Proxy& p) {
  const Settings& s = p.settings;
  ir::Pool pool;
  pool.loc = p.loc;
  pool.name = p.name;
  pool.balancing = s.balancing;  // roundrobin unless `balance` said otherwise
  pool.persistence = s.cookie;
  // HAProxy's weighted round robin interleaves servers its own way (lb_fwrr).
  if (pool.balancing.policy == ir::Balance::round_robin) pool.balancing.weighted_order = ir::WeightedOrder::positional;
  // HAProxy keeps idle server connections for reuse (http-reuse safe) without a count
  // limit, and purges them after 5 s (pool-purge-delay); no per-connection request cap.
  if (s.conn_mode == ConnMode::keep_alive) {
    pool.keepalive.max_idle = INT_MAX;
    pool.keepalive.idle_timeout_ms = 5000;
    pool.keepalive.max_requests = INT_MAX;
  } else {
    pool.keepalive.max_idle = 0;
  }
  const Server* first_checked = nullptr;
  bool mixed = false;
  for (const auto& sv : p.servers) {
    ir::UpstreamServer u;
    u.loc = sv.loc;
    u.name = sv.name;
    u.address = sv.host;
    u.port = sv.port;
    u.weight = sv.params.weight;
    u.max_fails = 0;  // HAProxy has no passive health unless `observe` is set
    u.fail_timeout_ms = 0;
    u.backup = sv.params.backup;
    u.down = sv.params.disabled;
    u.max_conns = sv.params.maxconn;
    u.cookie = sv.params.cookie;
    pool.servers.push_back(std::move(u));
    if (sv.params.check) {
      if (!first_checked) first_checked = &sv;
      else if (sv.params.inter_ms != first_checked->params.inter_ms || sv.params.rise != first_checked->params.rise ||
               sv.params.fall != first_checked->params.fall)
        mixed = true;
    }
    if (sv.params.fastinter_ms || sv.params.downinter_ms)
      l_.warning(sv.loc, fmt::format("server {}: 'fastinter'/'downinter' are not represented in the IR; checks run "
                                     "every 'inter' in every state", sv.name));
    if (sv.params.ssl && sv.params.verify != "none")
      l_.warning(sv.loc, fmt::format("server {}: certificate verification settings are not represented in the IR",
                                     sv.name));
  }
  // The IR's upstream scheme belongs to the route, the same for every server.
  for (const auto& sv : p.servers)
    if (sv.params.ssl != p.servers.front().params.ssl) {
      l_.warning(sv.loc, fmt::format("backend '{}': servers with and without 'ssl' cannot be represented; every "
                                     "server is reached as server '{}' is", p.name, p.servers.front().name));
      break;
    }
  if (first_checked) {
    bool some_unchecked = false;
    for (const auto& sv : p.servers) some_unchecked = some_unchecked || !sv.params.check;
    if (some_unchecked || mixed)
      l_.warning(first_checked->loc, fmt::format("backend '{}': the IR has one health check per pool; servers "
                                                 "without 'check' or with other intervals get the settings of "
                                                 "server '{}'", p.name, first_checked->name));
    ir::HealthCheck hc;
    const ServerParams& sp = first_checked->params;
    hc.interval_ms = sp.inter_ms;
    hc.rise = sp.rise;
    hc.fall = sp.fall;
    // `timeout check` bounds the read once connected; without it, `inter` bounds the check.
    hc.timeout_ms = timeout_or(s, "check", sp.inter_ms);
    if (s.httpchk.on) {
      hc.method = s.httpchk.method;
      hc.uri = s.httpchk.uri;
      hc.headers = s.httpchk.headers;
      hc.expect_status = s.httpchk.expect_status;
      hc.expect_body_regex = s.httpchk.expect_body_regex;
    } else {
      hc.connect_only = true;  // a layer-4 check: the TCP connection is the whole test
      hc.method.clear();
      hc.uri.clear();
    }
    pool.health_check = hc;
  }
  c_.pools.push_back(std::move(pool));
}

ir::Route Builder::base_route(const Proxy& fe, const SourceLoc& loc, std::string name) {
  const Settings& s = fe.settings;
  ir::Route r;
  r.loc = loc;
  r.name = std::move(name);
  r.default_type = "text/plain";
  r.limits.max_body_bytes = 0;  // HAProxy sets no request body limit
  // tune.bufsize 16384 less tune.maxrewrite 1024 holds the request head; tune.http.maxhdr 101.
  r.limits.header_block_bytes = 16384 - 1024;
  r.limits.header_line_bytes = 0;
  r.limits.request_line_bytes = 0;
  r.limits.header_count = 101;
  // Idle time between requests: http-keep-alive, else http-request, else client.
  int64_t client = timeout_or(s, "client", kNoTimeout);
  r.limits.idle_timeout_ms = client;
  r.limits.keepalive_timeout_ms =
      s.conn_mode == ConnMode::close ? 0 : timeout_or(s, "http-keep-alive", timeout_or(s, "http-request", client));
  // Logging: only with `log global` or a proxy `log` line.
  std::vector<LogTarget> targets = s.logs;
  if (s.log_global) targets.insert(targets.end(), global_.logs.begin(), global_.logs.end());
  if (s.httplog && targets.empty() && warned_no_log_.insert(fe.name).second)
    l_.warning(fe.loc, fmt::format("log format ignored for frontend '{}' since it has no log address.", fe.name));
  for (const auto& t : targets) {
    if (!t.takes_traffic_logs()) continue;
    ir::AccessLog a;
    a.loc = t.loc;
    a.path = t.ir_path();
    a.format = access_log_format_name(s.httplog, fe.name);
    r.access_logs.push_back(std::move(a));
  }
  for (const auto& e : s.errorfiles)
    if (routed(e)) r.error_pages.push_back(errorfile_page(e));
  body_limit(r, fe);
  return r;
}

// A proxy's `http-request deny deny_status 413 if { req.body_size gt N }`: the smaller
// limit wins when the frontend's and the backend's both apply.
void Builder::body_limit(ir::Route& r, const Proxy& p) const {
  if (!p.body_limit || !p.settings.http_buffer_request) return;
  int64_t n = p.body_limit->bytes;  // at least 1: the handler refuses a limit of 0
  if (r.limits.max_body_bytes == 0 || n < r.limits.max_body_bytes) r.limits.max_body_bytes = n;
}

void Builder::terminal_route(ir::Route& r, const HttpRule& rule) {
  if (rule.kind == RuleKind::redirect) {
    r.action.kind = ir::ActionKind::redirect;
    r.action.redirect = ir::RedirectAction{rule.status, rule.value};
    return;
  }
  r.action.kind = ir::ActionKind::respond;
  ir::RespondAction resp;
  resp.status = rule.status;
  if (rule.has_body) {
    resp.body = rule.value;
    ir::HeaderOp ct;
    ct.loc = rule.loc;
    ct.op = ir::HeaderOpKind::set;
    ct.name = "Content-Type";
    ct.value = literal(rule.content_type);
    ct.omit_empty = false;
    r.response_headers.push_back(std::move(ct));
  }
  r.action.respond = resp;
}

// The conditional header rules that apply to traffic from `fe` to `be`, in order.
// Also a backend's conditional path rules: they act on the route, after selection.
std::vector<const HttpRule*> conditional_header_rules(const Proxy& fe, const Proxy& be) {
  std::vector<const HttpRule*> out;
  for (const Proxy* p : {&fe, &be}) {
    bool backend = p == &be && &fe != &be;
    for (const auto& r : p->request_rules)
      if (r.condition && (is_header_rule(r.kind) || (backend && is_path_rule(r.kind)))) out.push_back(&r);
    if (&fe == &be) break;
  }
  return out;
}

// The IR's header operations have no condition: a route whose requests meet k
// conditional header rules becomes 2^k routes, one per combination of the conditions
// (they exclude each other, so their order does not matter), each with the operations
// that apply. Conditions are evaluated on the request as received.
std::vector<ir::Route> Builder::backend_routes(const Proxy& fe, const Proxy& be, const SwitchRule& rule) {
  constexpr size_t kMaxConditional = 4;
  auto conditional = conditional_header_rules(fe, be);
  if (conditional.size() > kMaxConditional) {
    l_.error(conditional[kMaxConditional]->loc,
             fmt::format("more than {} conditional header or path rules for one backend are not supported by proxyglot yet",
                         kMaxConditional));
    return {};
  }
  std::vector<ir::Route> out;
  size_t k = conditional.size();
  for (size_t mask = (1u << k); mask-- > 0;) {  // all conditions true first
    std::vector<bool> taken(k);
    std::vector<ir::Matcher> match{rule.condition};
    std::string with;
    for (size_t i = 0; i < k; ++i) {
      taken[i] = (mask >> (k - 1 - i)) & 1u;
      ir::Matcher c = *conditional[i]->condition;
      if (!taken[i]) {
        ir::Matcher n;
        n.op = ir::MatchOp::not_;
        n.children.push_back(std::move(c));
        c = std::move(n);
      }
      match.push_back(std::move(c));
      with += fmt::format("{}line {} {}", with.empty() ? "" : ", ", conditional[i]->loc.line, taken[i] ? "applies" : "does not apply");
    }
    ir::Route r = backend_route(fe, be, rule, taken);
    if (k > 0) {
      r.match = all_of(std::move(match));
      r.name += " [" + with + "]";
    }
    out.push_back(std::move(r));
  }
  return out;
}

ir::Route Builder::backend_route(const Proxy& fe, const Proxy& be, const SwitchRule& rule,
                                 const std::vector<bool>& taken) {
  ir::Route r = base_route(fe, rule.loc, rule.text);
  r.match = rule.condition;
  const Settings& bs = be.settings;
  ir::ProxyAction a;
  a.no_server_status = 503;  // HAProxy's answer when no server is up
  a.connect_error_status = 503;  // and when the server cannot be connected to
  a.pool = be.name;
  a.authority = be.name;
  bool ssl = !be.servers.empty() && be.servers.front().params.ssl;
  a.scheme = ssl ? "https" : "http";
  a.protocol = ir::UpstreamProtocol::http1_1;
  a.upgrade = true;  // HAProxy tunnels WebSocket upgrades in HTTP mode
  a.timeouts.connect_ms = timeout_or(bs, "connect", kNoTimeout);
  a.timeouts.send_ms = timeout_or(bs, "server", kNoTimeout);
  a.timeouts.read_ms = a.timeouts.send_ms;
  a.timeouts.tunnel_ms = timeout_or(bs, "tunnel", 0);
  // HAProxy forwards both directions as data arrives, through 16 kB buffers.
  a.buffering.response = false;
  a.buffering.request = false;
  a.buffering.header_buffer_bytes = 16384;
  a.buffering.body_buffers = 1;
  a.buffering.body_buffer_bytes = 16384;
  // Connection failures are retried `retries` times; only `option redispatch` lets a
  // retry go to another server (the IR's retry is always on another server).
  if (bs.redispatch && bs.retries > 0) {
    a.retry.on = bs.retry_on_set ? bs.retry_on : std::vector<ir::RetryOn>{ir::RetryOn::error};  // conn-failure
    if (!a.retry.on.empty()) a.retry.max_tries = bs.retries + 1;
  }
  a.redirect_rewrite.mode = ir::RedirectRewriteMode::off;
  r.action.kind = ir::ActionKind::proxy;
  r.action.proxy = std::move(a);

  // Request: the frontend's rules, then the backend's, then X-Forwarded-For.
  size_t conditional_index = 0;
  for (const Proxy* p : {&fe, &be}) {
    bool backend = p == &be && &fe != &be;
    for (const auto& rule_ : p->request_rules) {
      bool on_route = is_header_rule(rule_.kind) || (backend && is_path_rule(rule_.kind));
      if (!on_route) continue;
      bool applies = !rule_.condition || taken.at(conditional_index++);
      if (!applies) continue;
      if (is_header_rule(rule_.kind)) r.request_headers.push_back(header_op(rule_));
      else r.rewrites.push_back(rewrite_step(rule_, ir::RewriteFlag::break_));
    }
    if (&fe == &be) break;
  }
  const ForwardFor& ff = bs.forwardfor.on ? bs.forwardfor : fe.settings.forwardfor;
  if (ff.on) {
    ir::HeaderOp op;
    op.loc = ff.loc;
    op.op = ff.if_none ? ir::HeaderOpKind::add_if_absent : ir::HeaderOpKind::add;
    op.name = ff.header;
    op.value.parts.push_back({ir::Var::client_address, ""});
    op.except_clients = ff.except;
    op.omit_empty = false;
    r.request_headers.push_back(std::move(op));
  }
  // Response: the backend's rules run before the frontend's.
  for (const Proxy* p : {&be, &fe}) {
    for (const auto& rule_ : p->response_rules) r.response_headers.push_back(header_op(rule_));
    if (&fe == &be) break;
  }
  if (&fe != &be) {
    // The backend's errorfiles replace the frontend's for the same code.
    body_limit(r, be);
    for (const auto& e : be.settings.errorfiles) {
      if (!routed(e)) continue;
      std::erase_if(r.error_pages, [&](const ir::ErrorPage& x) { return x.codes == std::vector<int>{e.code}; });
      r.error_pages.push_back(errorfile_page(e));
    }
  }
  return r;
}

// The IR runs path rewrites before every terminal rule (they are routes): a terminal
// rule written before a rewrite would see the rewritten path. Conditional header rules
// have no IR form.
// A backend's conditional path rule is split into routes like a header rule, with its
// condition evaluated on the path the route was selected with: exact unless an earlier
// path rule of the backend changed it.
void Builder::check_rule_order(const Proxy& p, bool as_backend) {
  if (as_backend && !checked_backends_.insert(&p).second) return;  // once per backend
  const HttpRule* first_terminal = nullptr;
  const HttpRule* first_path = nullptr;
  for (const auto& r : p.request_rules) {
    if (is_terminal(r.kind) && !first_terminal) first_terminal = &r;
    if (is_path_rule(r.kind) && first_terminal)
      l_.error(r.loc, fmt::format("'{}' after the terminal rule at line {} is not supported by proxyglot yet",
                                  r.keyword, first_terminal->loc.line));
    if (is_path_rule(r.kind) && r.condition && (!as_backend || first_path))
      l_.error(r.loc, fmt::format("conditional '{}' {}is not supported by proxyglot yet", r.keyword,
                                  as_backend ? "after another path rule " : "in a frontend "));
    if (is_path_rule(r.kind) && !first_path) first_path = &r;
  }
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A header the matcher tests, among `names` (lower-case), or "".
std::string tested_header(const ir::Matcher& m, const std::set<std::string>& names) {
  if (m.predicate && !m.predicate->name.empty() && names.count(lower(m.predicate->name))) return m.predicate->name;
  if (m.predicate && m.predicate->kind == ir::PredKind::upgrade && names.count("upgrade")) return "Upgrade";
  for (const auto& c : m.children)
    if (auto h = tested_header(c, names); !h.empty()) return h;
  return "";
}

bool tests_path(const ir::Matcher& m) {
  if (m.predicate) {
    auto k = m.predicate->kind;
    if (k == ir::PredKind::path_exact || k == ir::PredKind::path_prefix || k == ir::PredKind::path_regex) return true;
  }
  for (const auto& c : m.children)
    if (tests_path(c)) return true;
  return false;
}

}  // namespace

// HAProxy evaluates later conditions on the request as earlier http-request rules left
// it; the IR matches routes on the request as received. A condition that tests a header
// an earlier rule changed would silently mean something else: report it.
void Builder::check_header_dependencies(const Proxy& fe) {
  std::set<std::string> changed;
  auto check = [&](const ir::Matcher& m, const SourceLoc& loc, const std::string& what, bool path_changed) {
    if (auto h = tested_header(m, changed); !h.empty())
      l_.error(loc, fmt::format("{} tests header '{}', which an earlier http-request rule changes: not supported by "
                                "proxyglot yet", what, h));
    else if (path_changed && tests_path(m))
      l_.error(loc, fmt::format("{} tests the path, which an earlier path rule of the backend changes: not "
                                "supported by proxyglot yet", what));
  };
  for (const auto& r : fe.request_rules) {
    if (r.condition) check(*r.condition, r.loc, fmt::format("'{}'", r.keyword), false);
    if (is_header_rule(r.kind)) changed.insert(lower(r.name));
  }
  std::vector<const Proxy*> backends;
  for (const auto& s : fe.switching) {
    check(s.condition, s.loc, "'use_backend'", false);
    if (const Proxy* be = backend(s.backend)) backends.push_back(be);
  }
  if (fe.default_backend)
    if (const Proxy* be = backend(fe.default_backend->backend)) backends.push_back(be);
  // A backend's conditions see what the frontend's rules and its own earlier rules did.
  const std::set<std::string> from_frontend = changed;
  std::set<const Proxy*> seen;
  for (const Proxy* be : backends) {
    if (be == &fe || !seen.insert(be).second || !checked_pairs_.insert({&fe, be}).second) continue;
    changed = from_frontend;
    bool path_changed = false;
    for (const auto& r : be->request_rules) {
      if (r.condition) check(*r.condition, r.loc, fmt::format("'{}'", r.keyword), path_changed);
      if (is_header_rule(r.kind)) changed.insert(lower(r.name));
      if (is_path_rule(r.kind)) path_changed = true;
    }
  }
}

void Builder::build_frontend(const Proxy& fe) {
  check_rule_order(fe, false);
  check_header_dependencies(fe);
  if (fe.binds.empty()) {
    l_.warning(fe.loc, fmt::format("{} '{}' has no 'bind' directive: it receives no traffic",
                                   fe.kind == kListen ? "listen" : "frontend", fe.name));
    return;
  }
  int vh_index = static_cast<int>(c_.virtual_hosts.size());
  ir::VirtualHost vh;
  vh.loc = fe.loc;
  // No names: a frontend answers every Host.
  for (const auto& b : fe.binds) {
    ir::Listener li;
    li.loc = b.loc;
    li.address = b.host;
    li.port = b.port;
    li.tls = b.ssl;
    for (const auto& p : b.alpn) li.http2 = li.http2 || p == "h2";
    li.default_virtual_host = vh_index;
    vh.listeners.push_back(static_cast<int>(c_.listeners.size()));
    c_.listeners.push_back(std::move(li));
    if (b.ssl) {
      if (!vh.tls) {
        vh.tls = ir::TlsSettings{};
        // HAProxy 2.6 with OpenSSL 3: TLS 1.2 and 1.3 unless ssl-min-ver/ssl-max-ver say otherwise.
        vh.tls->protocols = {"TLSv1.2", "TLSv1.3"};
      }
      for (const auto& crt : b.crts) {
        bool seen = false;
        for (const auto& existing : vh.tls->certificates) seen = seen || existing.certificate == crt;
        if (!seen) vh.tls->certificates.push_back(ir::Certificate{b.loc, crt, crt});  // one PEM holds both
      }
    }
  }
  // http-request set-src: the client address every later rule and the logs see.
  if (fe.set_src) vh.real_ip = fe.set_src->real_ip;
  // Frontend path rewrites run before the switching rules see the path.
  for (const auto& r : fe.request_rules)
    if (is_path_rule(r.kind) && !r.condition) vh.rewrites.push_back(rewrite_step(r, ir::RewriteFlag::continue_));

  // Terminal frontend rules answer before any backend is chosen: http-request rules,
  // then the legacy redirect rules.
  for (const auto* rules : {&fe.request_rules, &fe.redirect_rules}) {
    for (const auto& r : *rules) {
      if (!is_terminal(r.kind)) continue;
      ir::Route route = base_route(fe, r.loc, r.text);
      if (r.condition) route.match = *r.condition;
      terminal_route(route, r);
      vh.routes.push_back(std::move(route));
    }
  }
  auto add_switch = [&](const SwitchRule& rule, const Proxy& be) {
    if (&be != &fe) check_rule_order(be, true);
    if (&be != &fe && be.set_src)
      l_.error(be.set_src->loc, fmt::format("'http-request set-src' of '{}', used as the backend of frontend '{}', is "
                                            "not supported by proxyglot yet (the IR resolves the client address for a "
                                            "whole frontend)", be.name, fe.name));
    // HAProxy closes server connections when either side asks; the IR's pool belongs
    // to the backend alone.
    if (&be != &fe && fe.settings.conn_mode != ConnMode::keep_alive &&
        be.settings.conn_mode == ConnMode::keep_alive)
      l_.warning(rule.loc, fmt::format("frontend '{}' closes server connections, but the IR keeps those of "
                                       "backend '{}' alive (set the option in the backend)", fe.name, be.name));
    // The backend's terminal rules answer for the requests this rule sends there.
    if (&be != &fe) {
      std::vector<const HttpRule*> terminal;
      for (const auto* rules : {&be.request_rules, &be.redirect_rules})
        for (const auto& r : *rules) terminal.push_back(&r);
      for (const HttpRule* rp : terminal) {
        const HttpRule& r = *rp;
        if (!is_terminal(r.kind)) continue;
        ir::Route route = base_route(fe, r.loc, fmt::format("{} ({})", r.text, rule.text));
        std::vector<ir::Matcher> both{rule.condition};
        if (r.condition) both.push_back(*r.condition);
        route.match = all_of(std::move(both));
        body_limit(route, be);
        terminal_route(route, r);
        vh.routes.push_back(std::move(route));
      }
    }
    for (auto& r : backend_routes(fe, be, rule)) vh.routes.push_back(std::move(r));
  };
  for (const auto& rule : fe.switching) {
    const Proxy* be = backend(rule.backend);
    if (!be) {
      l_.error(rule.loc, fmt::format("Proxy '{}': unable to find required use_backend: '{}'.", fe.name, rule.backend));
      continue;
    }
    add_switch(rule, *be);
  }
  if (fe.default_backend) {
    const Proxy* be = backend(fe.default_backend->backend);
    if (!be) {
      l_.error(fe.default_backend->loc, fmt::format("Proxy '{}': unable to find required default_backend: '{}'.",
                                                    fe.name, fe.default_backend->backend));
    } else {
      add_switch(*fe.default_backend, *be);
    }
  } else if (fe.kind == kListen && !fe.servers.empty()) {
    SwitchRule self;
    self.loc = fe.loc;
    self.backend = fe.name;
    self.text = fmt::format("listen {}", fe.name);
    add_switch(self, fe);
  }
  // No backend for the request: HAProxy answers 503.
  vh.fallback = base_route(fe, fe.loc, fmt::format("{} (no backend: 503)", fe.name));
  vh.fallback.action.kind = ir::ActionKind::respond;
  vh.fallback.action.respond = ir::RespondAction{503, std::nullopt};
  // errorfiles: each is a named route answering with the file's response.
  std::map<std::string, const ErrorFile*> files;
  auto add_files = [&](const Proxy& p) {
    for (const auto& e : p.settings.errorfiles)
      if (routed(e)) files[errorfile_route(e)] = &e;
  };
  add_files(fe);
  for (const auto& rule : fe.switching)
    if (const Proxy* be = backend(rule.backend)) add_files(*be);
  if (fe.default_backend)
    if (const Proxy* be = backend(fe.default_backend->backend)) add_files(*be);
  for (const auto& [name, e] : files) {
    ir::Route r = base_route(fe, e->loc, name);
    r.error_pages.clear();
    r.internal = true;
    r.action.kind = ir::ActionKind::respond;
    r.action.respond = ir::RespondAction{e->status, literal(e->body)};
    for (const auto& [hn, hv] : e->headers) {
      ir::HeaderOp op;
      op.loc = e->loc;
      op.op = ir::HeaderOpKind::set;
      op.name = hn;
      op.value = literal(hv);
      op.omit_empty = false;
      r.response_headers.push_back(std::move(op));
    }
    vh.named_routes.push_back(std::move(r));
  }
  c_.virtual_hosts.push_back(std::move(vh));
}

// http-error pages every HTTP proxy has alike become the product's pages
// (Config.responses.pages); the others stay with the routes, as errorfiles do.
void Builder::global_pages() {
  std::vector<const Proxy*> http;
  for (const auto& p : proxies_)
    if (p.settings.mode == "http") http.push_back(&p);
  if (http.empty()) return;
  auto lower = [](std::string x) {
    for (auto& ch : x) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return x;
  };
  auto entry = [](const Proxy& p, int code) -> const ErrorFile* {
    for (const auto& e : p.settings.errorfiles)
      if (e.code == code) return &e;
    return nullptr;
  };
  // The fields sent with a page other than its content type; nullopt: a content type
  // other than the runtime's text/html for generated pages.
  auto fields = [&](const ErrorFile& e) -> std::optional<std::vector<std::pair<std::string, std::string>>> {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [n, v] : e.headers) {
      if (lower(n) == "content-type") {
        if (lower(v) != "text/html") return std::nullopt;
      } else {
        out.emplace_back(n, v);
      }
    }
    return out;
  };
  std::map<int, std::vector<std::pair<std::string, std::string>>> page_fields;  // per page with a body
  std::map<int, const ErrorFile*> chosen;
  for (const auto& e : http.front()->settings.errorfiles) {
    if (!e.http_error || !fields(e)) continue;
    bool alike = true;
    for (const Proxy* p : http) {
      const ErrorFile* x = entry(*p, e.code);
      alike = alike && x && x->http_error && x->body == e.body && x->headers == e.headers;
    }
    if (!alike) continue;
    global_codes_.insert(e.code);
    chosen[e.code] = &e;
  }
  if (chosen.empty()) return;
  auto& pages = c_.responses.pages;
  for (const auto& [code_, e] : chosen) {
    const int code = code_;  // clang 14 (the fuzz build) cannot capture a structured binding
    std::erase_if(pages, [&](const ir::PageText& p) { return p.status == code; });
    pages.push_back(ir::PageText{code, e->body});
  }
  std::sort(pages.begin(), pages.end(), [](const ir::PageText& a, const ir::PageText& b) { return a.status < b.status; });
  // The IR's page fields go with every page that has a body: HAProxy's own pages send
  // Cache-Control: no-cache, an http-error page its `hdr` fields.
  std::optional<std::vector<std::pair<std::string, std::string>>> common;
  const ErrorFile* differs = nullptr;
  for (const auto& p : pages) {
    if (p.body.empty()) continue;
    auto it = chosen.find(p.status);
    auto f = it != chosen.end() ? *fields(*it->second) : c_.responses.page_fields;
    if (!common) common = f;
    else if (*common != f && !differs) differs = it != chosen.end() ? it->second : chosen.begin()->second;
  }
  if (differs)
    l_.warning(differs->loc, "HAProxy sends Cache-Control: no-cache with its own pages and only the 'hdr' fields with "
                             "an http-error page; the IR sends the same fields with every page (those of HAProxy's own)");
  else c_.responses.page_fields = common.value_or(std::vector<std::pair<std::string, std::string>>{});
}

ir::Config Builder::build() {
  for (const auto& p : proxies_)
    if (p.kind == kBackend || p.kind == kListen) backends_.emplace(p.name, &p);
  c_.source_dialect = "haproxy";
  c_.responses = builtin_responses();
  c_.loc = SourceLoc{file_, 1, 1};
  c_.globals.worker_threads = global_.nbthread;  // null: HAProxy 2.6 starts one thread per CPU
  if (global_.maxconn > 0) c_.globals.worker_connections = global_.maxconn;
  c_.globals.daemon = global_.daemon;
  c_.globals.user = global_.user;
  c_.globals.pid_file = global_.pidfile;
  for (const auto& t : global_.logs) {
    ir::LogTarget lt;
    lt.loc = t.loc;
    lt.path = t.ir_path();
    lt.level = t.level;
    c_.globals.error_logs.push_back(std::move(lt));
  }
  for (const auto& p : proxies_) {
    if (p.settings.mode != "http") {
      l_.error(p.loc, fmt::format("{} '{}' is in TCP mode (no 'mode http'), which is not supported by proxyglot yet",
                                  p.kind == kFrontend ? "frontend" : p.kind == kBackend ? "backend" : "listen", p.name));
      continue;
    }
    if (p.kind != kFrontend && (p.kind == kBackend || !p.servers.empty())) build_pool(p);
    // HAProxy's own warning: without these, connections may wait forever.
    const Settings& s = p.settings;
    auto has = [&](const char* k) { return s.timeouts.count(k) > 0; };
    bool front = p.kind != kBackend, back = p.kind != kFrontend;
    if ((front && !has("client")) || (back && (!has("connect") || !has("server"))))
      l_.warning(p.loc, fmt::format("missing timeouts for {} '{}'.",
                                    p.kind == kFrontend ? "frontend" : p.kind == kBackend ? "backend" : "proxy", p.name));
  }
  global_pages();
  for (const auto& p : proxies_) {
    if (p.body_limit && !p.settings.http_buffer_request)
      l_.error(p.body_limit->loc, "'req.body_size' without 'option http-buffer-request' sees only the body bytes that "
                                  "arrived with the head: not supported by proxyglot yet");
    else if (p.body_limit && p.body_limit->bytes >= 14336)
      l_.warning(p.body_limit->loc, "HAProxy checks a chunked request body's size on the part one buffer holds "
                                    "(tune.bufsize less the head, about 15 kB): a chunked body larger than the limit "
                                    "passes when that part is within it; the IR checks every body");
  }
  for (const auto& p : proxies_)
    if (p.kind != kBackend && p.settings.mode == "http") build_frontend(p);
  // The formats the access logs name, one per frontend that logs.
  std::set<std::string> formats;
  auto collect = [&](const ir::Route& r) {
    for (const auto& a : r.access_logs) formats.insert(a.format);
  };
  for (const auto& vh : c_.virtual_hosts) {
    collect(vh.fallback);
    for (const auto& r : vh.routes) collect(r);
    for (const auto& r : vh.named_routes) collect(r);
  }
  for (const auto& name : formats) c_.log_formats.push_back(access_log_format(name));
  return std::move(c_);
}

}  // namespace

ir::Config Lowerer::build() {
  Builder b(*this, global_, proxies_, file_);
  return b.build();
}

}  // namespace pg::haproxy
