// reverse_proxy, its block and its http transport, with Caddy 2.6's defaults written
// into the IR: random balancing, HTTP/1.1 keepalive (32 idle per host, 2m), dial
// timeout 3s and no read/write timeouts, responses streamed, the client's Host passed
// and X-Forwarded-For (the client address, replacing untrusted values),
// X-Forwarded-Proto and X-Forwarded-Host set; passive health off until fail_duration;
// active checks (when health_uri or health_port is given) every 30s, timeout 5s, one
// failure marks a server down and one success up.
#include <algorithm>

#include <fmt/format.h>

#include "caddy/handlers.h"
#include "caddy/header_ops.h"
#include "caddy/values.h"

namespace pg::caddy::handlers {

namespace {

ir::Template var(ir::Var v, std::string value = "") { return ir::Template{{{v, std::move(value)}}}; }

ir::HeaderOp set(const SourceLoc& loc, std::string name, ir::Template value) {
  ir::HeaderOp op;
  op.loc = loc;
  op.name = std::move(name);
  op.value = std::move(value);
  return op;
}

std::optional<int64_t> duration(Lowerer& l, const Word& w, std::string_view what) {
  auto d = parse_duration_ms(w.value);
  if (!d) l.error(w.loc, fmt::format("bad {} value '{}'", what, w.value));
  return d;
}

void add_upstreams(Lowerer& l, const std::vector<Word>& words) {
  ProxyState& ps = *l.proxy;
  for (const auto& w : words) {
    std::string err;
    auto u = parse_upstream(w.value, &err);
    if (!u) {
      l.error(w.loc, err);
      continue;
    }
    if (!ps.scheme_of_upstreams.empty() && ps.scheme_of_upstreams.front() != u->scheme) {
      l.error(w.loc, fmt::format("upstream scheme {} differs from {}: all upstreams of one reverse_proxy share a scheme",
                                 u->scheme, ps.scheme_of_upstreams.front()));
      continue;
    }
    ps.scheme_of_upstreams.push_back(u->scheme);
    ir::UpstreamServer s;
    s.loc = w.loc;
    s.address = u->host;
    s.port = u->port;
    s.max_fails = 0;          // passive health is off until fail_duration is set
    s.fail_timeout_ms = 0;
    ps.pool.servers.push_back(std::move(s));
    if (ps.proxy.authority.empty())
      ps.proxy.authority = (u->host.find(':') != std::string::npos ? "[" + u->host + "]" : u->host) + ":" + std::to_string(u->port);
  }
}

ir::HealthCheck& health(Lowerer& l) {
  ProxyState& ps = *l.proxy;
  ps.health_option = true;
  if (!ps.pool.health_check) {
    ir::HealthCheck h;
    h.uri = "/";
    h.interval_ms = 30000;
    h.timeout_ms = 5000;
    h.rise = 1;
    h.fall = 1;
    ps.pool.health_check = h;
  }
  return *ps.pool.health_check;
}

std::string pool_base(const ir::Pool& p) {
  std::string out;
  for (const auto& s : p.servers)
    out += (out.empty() ? "" : " ") + (s.address.find(':') != std::string::npos ? "[" + s.address + "]" : s.address) +
           ":" + std::to_string(s.port);
  return out.empty() ? "reverse_proxy" : out;
}

}  // namespace

// Go's IdleConnTimeout 0 (no limit): the IR's longest idle lifetime (2^31-1 ms, 24.8 days).
constexpr int64_t kNoIdleLimitMs = 2147483647;

void reverse_proxy(Lowerer& l, const Call& c) {
  ProxyState ps;
  ps.loc = c.node.loc;
  ps.pool.loc = c.node.loc;
  ps.pool.implicit = true;
  ps.pool.balancing.policy = ir::Balance::random;
  ps.pool.keepalive = ir::Keepalive{32, 120000, 0};
  ps.proxy.protocol = ir::UpstreamProtocol::http1_1;
  ps.proxy.upgrade = true;
  ps.proxy.timeouts = ir::Timeouts{3000, 0, 0};
  ps.proxy.buffering.response = false;
  ps.proxy.buffering.request = false;
  ps.proxy.retry.interval_ms = 250;
  ps.proxy.redirect_rewrite.mode = ir::RedirectRewriteMode::off;
  l.proxy = &ps;
  add_upstreams(l, c.args);
  if (c.node.has_block) l.walk(c.node.block, kProxy);
  l.proxy = nullptr;

  if (ps.keepalive_given) {
    // Go's http.Transport: MaxIdleConnsPerHost 0 is DefaultMaxIdleConnsPerHost (2),
    // MaxIdleConns 0 no limit, IdleConnTimeout 0 no limit (caddy run: 2 connections
    // kept per upstream after `keepalive_idle_conns_per_host 0` or `keepalive_idle_conns 5`).
    int per_host = ps.idle_conns_per_host.value_or(0) > 0 ? *ps.idle_conns_per_host : 2;
    int max_idle = per_host;
    if (ps.idle_conns.value_or(0) > 0) {
      max_idle = std::min(per_host, *ps.idle_conns);
      size_t servers = ps.pool.servers.size();
      if (servers > 1 && static_cast<int64_t>(*ps.idle_conns) < static_cast<int64_t>(per_host) * static_cast<int64_t>(servers))
        l.diags.warning(c.node.loc, fmt::format("keepalive_idle_conns {} caps idle connections to all upstreams together; "
                                                "proxyglot keeps up to {} per upstream", *ps.idle_conns, max_idle));
    }
    // `keepalive off`: nothing is kept, the idle timeout stays as it was (unused).
    ps.pool.keepalive.max_idle = ps.keepalive_off ? 0 : max_idle;
    if (!ps.keepalive_off) ps.pool.keepalive.idle_timeout_ms = ps.keepalive_idle_ms.value_or(kNoIdleLimitMs);
  }

  if (!ps.scheme_of_upstreams.empty()) {
    const std::string& scheme = ps.scheme_of_upstreams.front();
    if (scheme == "https") ps.proxy.scheme = "https";
    if (scheme == "h2c") ps.proxy.protocol = ir::UpstreamProtocol::h2;
  }
  for (auto& s : ps.pool.servers) {
    if (ps.fail_duration_ms > 0) {
      s.max_fails = ps.max_fails;
      s.fail_timeout_ms = ps.fail_duration_ms;
    }
    s.max_conns = ps.unhealthy_request_count;
  }
  // Caddy counts failures only while fail_duration is set: the unhealthy_* rules too.
  if (ps.fail_duration_ms > 0) {
    ps.pool.failure_statuses = ps.unhealthy_statuses;
    ps.pool.failure_latency_ms = ps.unhealthy_latency_ms;
  } else if (!ps.unhealthy_statuses.empty() || ps.unhealthy_latency_ms > 0) {
    l.diags.warning(c.node.loc, "unhealthy_status and unhealthy_latency have no effect without fail_duration (as in Caddy)");
  }
  if (ps.health_option && !ps.active_health) {
    l.diags.warning(c.node.loc, "health checks stay off without health_uri or health_port (as in Caddy)");
    ps.pool.health_check.reset();
  }
  ps.pool.name = l.pool_name(pool_base(ps.pool));
  ps.proxy.pool = ps.pool.name;

  Item it;
  it.directive = "reverse_proxy";
  it.loc = c.node.loc;
  it.label = c.matcher_text.empty() ? "reverse_proxy" : "reverse_proxy " + c.matcher_text;
  it.match = c.match;
  it.has_matcher = c.has_matcher;
  it.first_path_len = c.first_path_len;
  SourceLoc at = c.node.loc;
  // Caddy's own request headers come first; header_up can change or remove them.
  it.request_headers.push_back(set(at, "Host", var(ir::Var::request_header, "Host")));
  if (ps.trust_all) {
    // A trusted client's X-Forwarded-For is appended to, its X-Forwarded-Proto/-Host
    // kept (Caddy keeps the last line of each; the IR keeps them all).
    it.request_headers.push_back(set(at, "X-Forwarded-For", var(ir::Var::forwarded_for_appended)));
    for (auto op : {set(at, "X-Forwarded-Proto", var(ir::Var::scheme)), set(at, "X-Forwarded-Host", var(ir::Var::request_header, "Host"))}) {
      op.op = ir::HeaderOpKind::add_if_absent;
      it.request_headers.push_back(std::move(op));
    }
  } else {
    it.request_headers.push_back(set(at, "X-Forwarded-For", var(ir::Var::client_address)));
    it.request_headers.push_back(set(at, "X-Forwarded-Proto", var(ir::Var::scheme)));
    it.request_headers.push_back(set(at, "X-Forwarded-Host", var(ir::Var::request_header, "Host")));
  }
  for (auto& op : ps.header_up) it.request_headers.push_back(std::move(op));
  it.response_headers = std::move(ps.header_down);
  ir::Action a;
  a.kind = ir::ActionKind::proxy;
  a.proxy = std::move(ps.proxy);
  // Caddy 2.6 answers 503 "no upstreams available" when health checks (or max_requests)
  // leave no upstream to pick, and 502 when dialing one fails (seen side by side with
  // caddy 2.6.2); a handle_errors page for 503 may still replace it (build_ir.cpp).
  a.proxy->no_server_status = 503;
  it.action = std::move(a);
  l.config.pools.push_back(std::move(ps.pool));
  l.items->push_back(std::move(it));
}

void to(Lowerer& l, const Call& c) { add_upstreams(l, c.args); }

void lb_policy(Lowerer& l, const Call& c) {
  ir::Balancing& b = l.proxy->pool.balancing;
  const std::string& name = c.args[0].value;
  size_t extra = c.args.size() - 1;
  auto hash = [&](ir::Template key) {
    b.policy = ir::Balance::hash;
    b.key = std::move(key);
    b.consistent = true;  // Caddy hashes with highest random weight: consistent,
    b.rendezvous = true;  // and by its own method
  };
  auto no_extra = [&] {
    if (extra == 0) return true;
    l.arity_error(c.node);
    return false;
  };
  if (name == "random") { if (no_extra()) b.policy = ir::Balance::random; }
  else if (name == "random_choose") {
    int n = 2;
    if (extra == 1) {
      auto v = parse_int(c.args[1].value);
      if (!v || *v < 2) {
        l.error(c.args[1].loc, fmt::format("invalid choices value '{}'", c.args[1].value));
        return;
      }
      n = *v;
    } else if (extra > 1) return l.arity_error(c.node);
    b.policy = ir::Balance::random;
    b.choices = n;
    b.choice_policy = ir::Balance::least_conn;
  } else if (name == "least_conn") { if (no_extra()) b.policy = ir::Balance::least_conn; }
  else if (name == "round_robin") {
    // Caddy advances its counter before it picks: the first request goes to the second upstream.
    if (no_extra()) b.policy = ir::Balance::round_robin, b.rotation_offset = 1;
  }
  else if (name == "first") { if (no_extra()) b.policy = ir::Balance::first; }
  else if (name == "ip_hash" || name == "client_ip_hash") { if (no_extra()) hash(var(ir::Var::client_address)); }
  else if (name == "uri_hash") { if (no_extra()) hash(var(ir::Var::request_uri)); }
  else if (name == "header") {
    if (extra != 1) return l.arity_error(c.node);
    hash(var(ir::Var::request_header, c.args[1].value));
  } else if (name == "cookie") {
    if (extra > 2) return l.arity_error(c.node);
    b.policy = ir::Balance::cookie;
    b.key = ir::Template{{{ir::Var::literal, extra >= 1 ? c.args[1].value : std::string("lb")}}};
    b.secret = extra == 2 ? c.args[2].value : std::string();
  } else {
    l.error(c.args[0].loc, fmt::format("getting module named 'http.reverse_proxy.selection_policies.{0}': "
                                       "module not registered: http.reverse_proxy.selection_policies.{0}", name));
  }
}

void lb_try_duration(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "duration")) {
    l.proxy->proxy.retry.timeout_ms = *d;
    l.proxy->proxy.retry.on.clear();
    if (*d > 0) l.proxy->proxy.retry.on.push_back(ir::RetryOn::error);
  }
}

void lb_try_interval(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "interval")) l.proxy->proxy.retry.interval_ms = *d;
}

// trusted_proxies: only every client (0.0.0.0/0 and ::/0) is supported; the IR cannot
// say "appended for some clients".
void trusted_proxies(Lowerer& l, const Call& c) {
  bool v4 = false, v6 = false;
  for (const auto& a : c.args) {
    if (a.value == "0.0.0.0/0") v4 = true;
    else if (a.value == "::/0") v6 = true;
    else {
      l.error(a.loc, fmt::format("trusted_proxies {} is not supported by proxyglot yet (only 0.0.0.0/0 ::/0)", a.value));
      return;
    }
  }
  if (!v4 || !v6) {
    l.error(c.node.loc, "trusted_proxies for one address family only is not supported by proxyglot yet (only 0.0.0.0/0 ::/0)");
    return;
  }
  l.proxy->trust_all = true;
}

void health_uri(Lowerer& l, const Call& c) {
  health(l).uri = c.args[0].value;
  l.proxy->active_health = true;
}

void health_port(Lowerer& l, const Call& c) {
  auto p = parse_int(c.args[0].value);
  if (!p || *p == 0 || *p > 65535) {
    l.error(c.args[0].loc, fmt::format("bad port number '{}'", c.args[0].value));
    return;
  }
  health(l).port = *p;
  l.proxy->active_health = true;
}

void health_interval(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "interval")) health(l).interval_ms = *d;
}

void health_timeout(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "timeout")) health(l).timeout_ms = *d;
}

void health_status(Lowerer& l, const Call& c) {
  const std::string& v = c.args[0].value;
  std::vector<int> codes;
  if (v.size() == 3 && v[1] == 'x' && v[2] == 'x' && v[0] >= '1' && v[0] <= '5') {
    for (int i = 0; i < 100; ++i) codes.push_back((v[0] - '0') * 100 + i);
  } else if (auto n = parse_int(v); n && *n >= 100 && *n <= 999) {
    codes.push_back(*n);
  } else {
    l.error(c.args[0].loc, fmt::format("bad status value '{}'", v));
    return;
  }
  health(l).expect_status = std::move(codes);
}

void health_body(Lowerer& l, const Call& c) { health(l).expect_body_regex = c.args[0].value; }

void health_headers(Lowerer& l, const Call& c) {
  auto& headers = health(l).headers;
  l.health_headers = &headers;
  l.walk(c.node.block, kHeader);
  l.health_headers = nullptr;
}


void fail_duration(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "duration")) l.proxy->fail_duration_ms = *d;
}

void max_fails(Lowerer& l, const Call& c) {
  auto n = parse_int(c.args[0].value);
  if (!n) {
    l.error(c.args[0].loc, fmt::format("invalid maximum fail count '{}'", c.args[0].value));
    return;
  }
  l.proxy->max_fails = *n == 0 ? 1 : *n;  // Caddy takes 0 as its default, 1
}

void unhealthy_request_count(Lowerer& l, const Call& c) {
  auto n = parse_int(c.args[0].value);
  if (!n) {
    l.error(c.args[0].loc, fmt::format("invalid request count '{}'", c.args[0].value));
    return;
  }
  l.proxy->unhealthy_request_count = *n;
}

// "500 502" or classes "5xx": the statuses that count as failures.
void unhealthy_status(Lowerer& l, const Call& c) {
  for (const auto& a : c.args) {
    const std::string& v = a.value;
    if (v.size() == 3 && v[0] >= '1' && v[0] <= '5' && v.substr(1) == "xx") {
      int base = (v[0] - '0') * 100;
      for (int s = base; s < base + 100; ++s) l.proxy->unhealthy_statuses.push_back(s);
      continue;
    }
    auto n = parse_int(v);
    if (!n || *n < 100 || *n > 599) {
      l.error(a.loc, fmt::format("bad status value '{}'", v));
      return;
    }
    l.proxy->unhealthy_statuses.push_back(*n);
  }
}

void unhealthy_latency(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "duration")) l.proxy->unhealthy_latency_ms = *d;
}

void header_up(Lowerer& l, const Call& c) {
  if (auto op = header_op(l, c.args, c.node.loc)) l.proxy->header_up.push_back(std::move(*op));
}

void header_down(Lowerer& l, const Call& c) {
  if (auto op = header_op(l, c.args, c.node.loc)) l.proxy->header_down.push_back(std::move(*op));
}

void flush_interval(Lowerer& l, const Call& c) {
  if (c.args[0].value == "-1") return;  // already streamed at once
  if (duration(l, c.args[0], "duration"))
    l.diags.warning(c.args[0].loc, "flush_interval: proxyglot streams responses as they arrive");
}

void buffer_requests(Lowerer& l, const Call&) { l.proxy->proxy.buffering.request = true; }

void transport(Lowerer& l, const Call& c) {
  if (c.args[0].value != "http") {
    l.error(c.args[0].loc, fmt::format("transport {} is not supported by proxyglot yet", c.args[0].value));
    return;
  }
  if (c.node.has_block) l.walk(c.node.block, kTransport);
}

void versions(Lowerer& l, const Call& c) {
  bool h1 = false, h2 = false, h2c = false;
  for (const auto& a : c.args) {
    if (a.value == "1.1") h1 = true;
    else if (a.value == "2") h2 = true;
    else if (a.value == "h2c") h2c = true;
    else if (a.value == "3") return l.error(a.loc, "HTTP/3 to upstreams is not supported by proxyglot yet");
    else return l.error(a.loc, fmt::format("unsupported HTTP version '{}'", a.value));
  }
  l.proxy->proxy.protocol = (h2c || (h2 && !h1)) ? ir::UpstreamProtocol::h2 : ir::UpstreamProtocol::http1_1;
}

void keepalive(Lowerer& l, const Call& c) {
  l.proxy->keepalive_given = true;
  if (c.args[0].value == "off") {
    l.proxy->keepalive_off = true;
    return;
  }
  if (auto d = duration(l, c.args[0], "keepalive")) l.proxy->keepalive_idle_ms = *d;
}

void keepalive_idle_conns(Lowerer& l, const Call& c) {
  auto n = parse_int(c.args[0].value);
  if (!n) return l.error(c.args[0].loc, fmt::format("bad integer value '{}'", c.args[0].value));
  l.proxy->keepalive_given = true;
  if (c.node.name() == "keepalive_idle_conns_per_host") l.proxy->idle_conns_per_host = *n;
  else l.proxy->idle_conns = *n;
}

void dial_timeout(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "timeout")) l.proxy->proxy.timeouts.connect_ms = *d;
}
void read_timeout(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "timeout")) l.proxy->proxy.timeouts.read_ms = *d;
}
void write_timeout(Lowerer& l, const Call& c) {
  if (auto d = duration(l, c.args[0], "timeout")) l.proxy->proxy.timeouts.send_ms = *d;
}
void transport_tls(Lowerer& l, const Call&) { l.proxy->proxy.scheme = "https"; }

}  // namespace pg::caddy::handlers
