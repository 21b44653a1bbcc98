// Backends: one per pool and per set of route settings HAProxy keeps in a backend
// (timeouts, retries, path rewrites, header rules, access rules); same text, same
// backend. Response backends hold an http-request return/redirect and no server.
#include <algorithm>
#include <climits>

#include <fmt/format.h>

#include "emit/emit_text.h"
#include "haproxy/acl.h"
#include "haproxy/emit_internal.h"
#include "ir/equivalence.h"
#include "ir/sticky_cookie.h"
#include "ir/text.h"

namespace pg::haproxy::emitter {

std::string timeout_value(int64_t ms) {
  return emit::duration(ms <= 0 || ms > INT_MAX ? INT_MAX : ms);
}

std::string proxy_name(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    out += std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == ':' ? c : '_';
  }
  return out.empty() ? "backend" : out;
}

std::string Emitter::add_backend(const std::string& base, Section s, const std::string& variant) {
  std::string body;
  for (const auto& l : s.lines) body += l + "\n";
  if (auto it = backend_by_body_.find(body); it != backend_by_body_.end()) return it->second;
  std::string name = proxy_name(base);
  std::string n = name;
  // Another backend for the same pool: named after the route's path, else numbered.
  if (proxy_names_.count(n) && !variant.empty()) name = n = proxy_name(base + "_" + variant);
  // Numbered from where the last backend of this name stopped: thousands of routes may
  // share one name (return_404), and probing from 2 each time was quadratic.
  for (int& i = next_number_[name]; proxy_names_.count(n);) n = fmt::format("{}_{}", name, i < 2 ? (i = 2) : ++i);
  proxy_names_.insert(n);
  backend_by_body_[body] = n;
  backends_.emplace_back(n, std::move(s));
  return n;
}

std::string Emitter::response_backend(const std::string& base, const std::vector<std::string>& acl_lines,
                                      const std::vector<std::string>& rules, const SourceLoc& loc) {
  Section s;
  s.comment = emit::source_comment(loc);
  s.lines = acl_lines;
  s.lines.insert(s.lines.end(), rules.begin(), rules.end());
  return add_backend(base, std::move(s));
}

namespace {

// Caddy's cookie balancing, written as HAProxy's inserted persistence cookie.
bool caddy_cookie_pool(const ir::Pool& pool) {
  return pool.balancing.policy == ir::Balance::cookie && !pool.persistence;
}

// A backend for a pool made from an address (nginx `proxy_pass http://127.0.0.1:9090`,
// Caddy `reverse_proxy app:3000`): "be_" and its servers' hosts and port(s), as
// "be_127_0_0_1_9090", "be_api1_api2_9000", "be_v6_1_8080", "be_unix_run_app_sock".
std::string implicit_backend_name(const ir::Pool& pool) {
  if (pool.servers.empty()) return "be_" + slug(pool.name, 48);
  bool one_port = true;
  for (const auto& sv : pool.servers) one_port = one_port && sv.port == pool.servers.front().port;
  auto server_part = [&](const ir::UpstreamServer& sv) {
    std::string host = sv.address;
    if (host.rfind("unix:", 0) == 0) host = "unix_" + host.substr(5);
    else if (host.find(':') != std::string::npos) host = "v6_" + host;
    std::string part = slug(host, 40);
    if (!one_port && sv.port) part += fmt::format("_{}", sv.port);
    return part;
  };
  std::string hosts;
  for (const auto& sv : pool.servers) hosts += (hosts.empty() ? "" : "_") + server_part(sv);
  // Too long a list: the first server, "etc".
  if (hosts.size() > 24 && pool.servers.size() > 1) hosts = server_part(pool.servers.front()) + "_etc";
  std::string out = "be_" + hosts;
  if (one_port && pool.servers.front().port) out += fmt::format("_{}", pool.servers.front().port);
  return out;
}

// The path a route is chosen by, as a name part ("/api/v1/" -> "api_v1"); "" if none.
std::string route_path_name(const ir::Matcher& m) {
  if (m.op == ir::MatchOp::not_) return "";
  if (m.predicate && (m.predicate->kind == ir::PredKind::path_prefix || m.predicate->kind == ir::PredKind::path_exact))
    return slug(m.predicate->value, 24);
  for (const auto& c : m.children)
    if (auto n = route_path_name(c); !n.empty()) return n;
  return "";
}

std::string status_ranges(std::vector<int> codes) {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  std::string out;
  for (size_t i = 0; i < codes.size();) {
    size_t j = i;
    while (j + 1 < codes.size() && codes[j + 1] == codes[j] + 1) ++j;
    if (!out.empty()) out += ",";
    out += j > i ? fmt::format("{}-{}", codes[i], codes[j]) : std::to_string(codes[i]);
    i = j + 1;
  }
  return out;
}

bool is_hop_by_hop(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* h : {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"})
    if (name == h) return true;
  return false;
}

}  // namespace

std::string Emitter::proxy_backend(const ir::Route& route, const FormatEnv& route_env,
                                   const std::vector<std::string>& extra) {
  const ir::ProxyAction& a = *route.action.proxy;
  if (pool_by_name_.empty())
    for (const auto& p : c_.pools) pool_by_name_.insert_or_assign(p.name, &p);  // the last of a name, as before
  auto found = pool_by_name_.find(a.pool);
  const ir::Pool* pool = found == pool_by_name_.end() ? nullptr : found->second;
  Section s;
  s.comment = emit::source_comment(pool ? pool->loc : route.loc);
  auto& L = s.lines;
  FormatEnv env = route_env;
  env.authority = a.authority;

  // Balancing.
  if (pool) {
    const ir::Balancing& b = pool->balancing;
    using B = ir::Balance;
    switch (b.policy) {
      case B::round_robin:
        L.push_back("balance roundrobin");
        if (b.rotation_offset != 0)
          warn(pool->loc, fmt::format("haproxy cannot start round robin at server {} of pool '{}'; it starts with "
                                      "the first", b.rotation_offset + 1, pool->name));
        break;
      case B::least_conn: L.push_back("balance leastconn"); break;
      case B::first: L.push_back("balance first"); break;
      case B::random: L.push_back(fmt::format("balance random({})", std::max(1, b.choices))); break;
      case B::ip_hash:
        L.push_back("balance source");
        warn(pool->loc, fmt::format("haproxy hashes the whole client address where ip_hash of pool '{}' hashed the "
                                    "first three octets of IPv4 addresses", pool->name));
        break;
      case B::cookie:
        // Caddy's stickiness as HAProxy's inserted cookie, each server's value the signed
        // address Caddy gives it (below): clients keep their servers across the move.
        L.push_back("balance random(1)");
        warn(pool->loc, fmt::format("haproxy keeps the clients of pool '{}' on their servers with an inserted cookie "
                                    "'{}' holding Caddy's own values (each server's signed address), not a sticky "
                                    "cookie policy: its Set-Cookie says path=/ for Path=/",
                                    pool->name, literal_text(b.key).value_or("lb")));
        break;
      case B::hash: {
        std::string line;
        if (b.key.parts.size() == 1 && b.key.parts[0].converters.empty()) {
          const auto& k = b.key.parts[0];
          using V = ir::Var;
          if (k.var == V::client_address) line = "balance source";
          else if (k.var == V::path) line = "balance uri";
          else if (k.var == V::request_uri) line = "balance uri whole";
          else if (k.var == V::query_arg) line = "balance url_param " + word(k.value);
          else if (k.var == V::request_header) line = fmt::format("balance hdr({})", k.value);
        }
        std::string why;
        if (line.empty() && b.key.parts.size() == 1)
          if (auto e = sample_expr(b.key.parts[0], why)) line = "balance hash " + word(*e);
        if (line.empty()) {
          line = "balance uri whole";
          warn(pool->loc, fmt::format("haproxy cannot hash on the key of pool '{}' ({}); it hashes the request URI "
                                      "instead", pool->name, why.empty() ? "several values" : why));
        }
        L.push_back(line);
        if (b.consistent) L.push_back("hash-type consistent");
        break;
      }
    }
    if (pool->keepalive.max_idle == 0) L.push_back("option http-server-close");
    if (caddy_cookie_pool(*pool))
      L.push_back("cookie " + word(literal_text(pool->balancing.key).value_or("lb")) + " insert");
    if (const auto& c = pool->persistence) {
      std::string line = "cookie " + word(c->name) + " insert";
      if (c->indirect) line += " indirect";
      if (c->nocache) line += " nocache";
      if (c->httponly) line += " httponly";
      if (c->secure) line += " secure";
      for (const auto& d : c->domains) line += " domain " + word(d);
      L.push_back(line);
    }
  }
  // Timeouts: what differs from the defaults section.
  if (a.timeouts.connect_ms != defaults_.connect_ms)
    L.push_back("timeout connect " + timeout_value(a.timeouts.connect_ms));
  // HAProxy's one server timeout bounds the wait for the response: the read timeout.
  int64_t server = a.timeouts.read_ms;
  if (a.timeouts.read_ms != a.timeouts.send_ms)
    warn(route.loc, fmt::format("haproxy has one server timeout for reading and sending; the read timeout {} is "
                                "used, the send timeout {} is not kept",
                                timeout_value(a.timeouts.read_ms), timeout_value(a.timeouts.send_ms)));
  if (server != defaults_.server_ms) L.push_back("timeout server " + timeout_value(server));
  if (a.timeouts.tunnel_ms > 0) L.push_back("timeout tunnel " + emit::duration(a.timeouts.tunnel_ms));
  // Retries on another server: HAProxy's redispatch after `retries` connection attempts.
  if (!a.retry.on.empty()) {
    int servers = pool ? static_cast<int>(pool->servers.size()) : 1;
    int tries = a.retry.max_tries > 0 ? a.retry.max_tries : std::max(servers, 2);
    L.push_back(fmt::format("retries {}", std::max(1, tries - 1)));
    L.push_back("option redispatch");
    // What a retry answers: HAProxy's default is conn-failure (the IR's `error`).
    using R = ir::RetryOn;
    if (a.retry.on != std::vector<R>{R::error}) {
      std::string on;
      for (R r : a.retry.on) {
        switch (r) {
          case R::error: on += " conn-failure empty-response"; break;
          case R::timeout: on += " response-timeout"; break;
          case R::invalid_header: on += " junk-response"; break;
          case R::http_500: on += " 500"; break;
          case R::http_502: on += " 502"; break;
          case R::http_503: on += " 503"; break;
          case R::http_504: on += " 504"; break;
          case R::http_403: on += " 403"; break;
          case R::http_404: on += " 404"; break;
          case R::http_429:
            warn(route.loc, "haproxy 2.6 does not retry on status 429; that condition is left out");
            break;
          case R::non_idempotent:
            warn(route.loc, "haproxy's retry-on has no condition for non-idempotent requests; it is left out");
            break;
        }
      }
      L.push_back("retry-on" + (on.empty() ? std::string(" none") : on));
    }
  }
  // Active health checks.
  const ir::HealthCheck* hc = pool && pool->health_check ? &*pool->health_check : nullptr;
  if (hc && !hc->connect_only) {
    L.push_back(fmt::format("option httpchk {} {}", word(hc->method.empty() ? "GET" : hc->method),
                            word(hc->uri.empty() ? "/" : hc->uri)));
    for (const auto& [n, v] : hc->headers) L.push_back(fmt::format("http-check send hdr {} {}", word(n), word(v)));
    if (!hc->expect_status.empty()) L.push_back("http-check expect status " + status_ranges(hc->expect_status));
    if (!hc->expect_body_regex.empty()) L.push_back("http-check expect rstring " + word(hc->expect_body_regex));
  }
  if (hc && hc->timeout_ms != hc->interval_ms) L.push_back("timeout check " + emit::duration(hc->timeout_ms));
  if (hc && hc->port != 0)
    warn(pool->loc, fmt::format("haproxy health checks of pool '{}' go to each server's own port, not port {}",
                                pool->name, hc->port));

  // Route rules: access, rewrites, headers.
  AclSet acls(false);
  // proxyglot reads a backend's path rules before its answering rules only: the path
  // rules go first, and an answer written before a path rule is reported.
  std::vector<std::string> path_rules, answers, rules;
  if (auto d = denied(route, acls); d && !never(*d)) answers.push_back(join_rule("http-request deny", condition(*d)));
  for (const auto& st : route.rewrites) {
    bool answer = st.kind != ir::RewriteKind::rewrite || st.flag == ir::RewriteFlag::redirect;
    if (answer) {
      std::string rule = rewrite_answer(st, route, env);
      auto cond = step_condition(st, acls);
      if (!rule.empty() && cond) answers.push_back(join_rule(rule, condition(*cond)));
      continue;
    }
    std::string why;
    auto rep = rewrite_target(st, env, true, why);
    if (!rep) {
      warn(st.loc, fmt::format("haproxy cannot express this rewrite ({}); it is left out", why));
      continue;
    }
    if (st.flag == ir::RewriteFlag::last)
      warn(st.loc, "haproxy does not select the route again after a rewrite; the request stays on this route");
    if (!answers.empty())
      warn(st.loc, "haproxy applies this rewrite before the access rules and redirects written before it (proxyglot "
                   "reads no path rule after an answering rule)");
    path_rules.push_back(fmt::format("http-request replace-path {} {}", word(st.regex), word(rep->empty() ? "/" : *rep)));
  }
  // The proxy's own path change.
  if (a.uri_mode == ir::UriMode::replace_prefix) {
    std::string why;
    auto uri = log_format(a.uri, env, why);
    if (!uri) {
      warn(route.loc, fmt::format("haproxy cannot express the upstream URI ({}); the path is sent unchanged", why));
    } else {
      std::string to = *uri;
      if (to.empty()) to = "/";
      path_rules.push_back(fmt::format("http-request replace-path {} {}", word("^" + regex_escape(a.prefix) + "(.*)$"),
                                  word(to + "\\1")));
    }
  } else if (a.uri_mode == ir::UriMode::replace) {
    std::string why;
    auto uri = log_format(a.uri, env, why);
    if (!uri) {
      warn(route.loc, fmt::format("haproxy cannot express the upstream URI ({}); the path is sent unchanged", why));
    } else {
      path_rules.push_back("http-request set-path " + word(uri->empty() ? "/" : *uri));
      warn(route.loc, "haproxy's set-path keeps the client's query string where the source replaced it too");
    }
  }
  // Request headers; X-Forwarded-For appends become option forwardfor.
  std::string forwardfor;
  for (const auto& op : route.request_headers) {
    using V = ir::Var;
    bool one = op.value.parts.size() == 1 && op.value.parts[0].converters.empty();
    bool appended = one && op.value.parts[0].var == V::forwarded_for_appended && op.op == ir::HeaderOpKind::set;
    bool client = one && op.value.parts[0].var == V::client_address &&
                  (op.op == ir::HeaderOpKind::add || op.op == ir::HeaderOpKind::add_if_absent);
    if (appended || client) {
      forwardfor = "option forwardfor";
      bool xff = op.name.size() == 15 && std::equal(op.name.begin(), op.name.end(), "x-forwarded-for",
                                                     [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == y; });
      if (!xff) forwardfor += " header " + word(op.name);
      if (!op.except_clients.empty()) forwardfor += " except " + op.except_clients.front();
      if (op.except_clients.size() > 1)
        warn(op.loc, "haproxy's forwardfor takes one 'except' network; the others are not exempted");
      if (op.op == ir::HeaderOpKind::add_if_absent) forwardfor += " if-none";
      continue;
    }
    if (!op.except_clients.empty())
      warn(op.loc, fmt::format("haproxy cannot skip the '{}' header operation for some clients; it applies to all",
                               op.name));
    if (op.op == ir::HeaderOpKind::remove) {
      if (!is_hop_by_hop(op.name)) rules.push_back("http-request del-header " + word(op.name));
      continue;
    }
    std::string why;
    std::optional<std::string> value;
    if (op.op == ir::HeaderOpKind::replace) {
      auto lit = literal_text(op.value);
      if (lit) {
        ir::TemplatePart part{V::request_header, op.name, {ir::Converter{"regsub", {op.search, *lit, "g"}}}};
        if (auto e = sample_expr(part, why)) value = "%[" + *e + "]";
        warn(op.loc, fmt::format("haproxy replaces in '{}' with set-header and regsub, which adds the header empty "
                                 "when the request has none", op.name));
      } else {
        why = "a replacement with variables";
      }
    } else {
      value = log_format(op.value, env, why);
    }
    if (!value) {
      warn(op.loc, fmt::format("haproxy cannot express the value of request header '{}' ({}); the operation is "
                               "left out", op.name, why));
      continue;
    }
    const char* verb = op.op == ir::HeaderOpKind::add || op.op == ir::HeaderOpKind::add_if_absent ? "add-header"
                                                                                                   : "set-header";
    if (op.op == ir::HeaderOpKind::add_if_absent)
      warn(op.loc, fmt::format("haproxy adds request header '{}' even when the request has one", op.name));
    // HAProxy sends an empty value as it is; the source sends no field. A value that is
    // one request header is sent only when the request has that header.
    std::string cond;
    bool variable = value->find('%') != std::string::npos;  // else the text is the value
    if (op.op != ir::HeaderOpKind::replace && op.omit_empty && variable && ir::may_be_empty(op.value)) {
      const auto& parts = op.value.parts;
      bool one_header = parts.size() == 1 && parts[0].var == V::request_header && parts[0].converters.empty();
      if (one_header && (op.op != ir::HeaderOpKind::set || ir::iequals(op.name, parts[0].value)))
        cond = fmt::format(" if {{ req.hdr({}) -m found }}", parts[0].value);
      else
        warn(op.loc, fmt::format("haproxy sends request header '{}' with an empty value when its value is empty, "
                                 "where the source sends no field", op.name));
    }
    rules.push_back(fmt::format("http-request {} {} {}{}", verb, word(op.name), word(*value), cond));
  }
  for (const auto& op : route.response_headers) {
    if (op.op == ir::HeaderOpKind::remove) {
      rules.push_back("http-response del-header " + word(op.name));
      continue;
    }
    std::string why;
    std::optional<std::string> value;
    if (op.op == ir::HeaderOpKind::replace) why = "a regex replacement";
    else value = log_format(op.value, env, why);
    if (!value) {
      warn(op.loc, fmt::format("haproxy cannot express the value of response header '{}' ({}); the operation is "
                               "left out", op.name, why));
      continue;
    }
    const char* verb = op.op == ir::HeaderOpKind::set ? "set-header" : "add-header";
    if (op.omit_empty && value->find('%') != std::string::npos && ir::may_be_empty(op.value))
      warn(op.loc, fmt::format("haproxy sends response header '{}' with an empty value when its value is empty, "
                               "where the source sends no field", op.name));
    rules.push_back(fmt::format("http-response {} {} {}", verb, word(op.name), word(*value)));
  }
  for (const auto& l : acls.lines()) L.push_back(l);
  L.insert(L.end(), path_rules.begin(), path_rules.end());
  L.insert(L.end(), answers.begin(), answers.end());
  L.insert(L.end(), rules.begin(), rules.end());
  if (!forwardfor.empty()) L.push_back(forwardfor);
  L.insert(L.end(), extra.begin(), extra.end());

  // Servers.
  if (pool) {
    bool tls = a.scheme == "https" || a.scheme == "grpcs";
    int i = 0;
    for (const auto& sv : pool->servers) {
      ++i;
      std::string name = sv.name.empty() ? fmt::format("s{}", i) : proxy_name(sv.name);
      std::string addr;
      if (sv.address.rfind("unix:", 0) == 0) addr = sv.address.substr(5);
      else if (sv.address.find(':') != std::string::npos) addr = fmt::format("[{}]:{}", sv.address, sv.port);
      else addr = fmt::format("{}:{}", sv.address, sv.port);
      std::string line = fmt::format("server {} {}", name, addr);
      int weight = sv.weight;
      if (weight > 256) {
        warn(sv.loc, fmt::format("haproxy weights stop at 256; server {} gets 256 instead of {}", name, weight));
        weight = 256;
      }
      if (weight != 1) line += fmt::format(" weight {}", weight);
      if (sv.max_conns > 0) line += fmt::format(" maxconn {}", sv.max_conns);
      if (!sv.cookie.empty()) line += " cookie " + word(sv.cookie);
      else if (caddy_cookie_pool(*pool)) line += " cookie " + ir::signed_address(pool->balancing.secret, ir::dial_address(sv));
      if (sv.backup) line += " backup";
      if (sv.down) line += " disabled";
      if (hc) {
        line += " check";
        if (hc->interval_ms != 2000) line += " inter " + emit::duration(hc->interval_ms);
        if (hc->rise != 2) line += fmt::format(" rise {}", hc->rise);
        if (hc->fall != 3) line += fmt::format(" fall {}", hc->fall);
      }
      if (tls) line += " ssl verify none";
      L.push_back(line);
    }
    int backups = 0;
    for (const auto& sv : pool->servers) backups += sv.backup;
    if (backups > 1)
      warn(pool->loc, fmt::format("haproxy sends traffic to the first backup server of pool '{}' only, where the "
                                  "source shared it among all {} backups", pool->name, backups));
  }
  std::string base = pool ? (pool->implicit ? implicit_backend_name(*pool) : pool->name) : a.authority;
  std::string variant = matches_everything(route.match) ? "default" : route_path_name(route.match);
  const size_t before = backends_.size();
  std::string name = add_backend(base.empty() ? "backend" : base, std::move(s), variant);
  if (pool && backends_.size() > before) ++copies_of_[pool];
  return name;
}

}  // namespace pg::haproxy::emitter
