// reverse_proxy for a proxy route: upstreams, balancing, health, retries, the headers
// to the upstream with Caddy's own defaults undone or kept, and the http transport.
// The defaults written here are the ones the front end (handlers_proxy.cpp) lowers.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "caddy/emit_context.h"
#include "caddy/emit_headers.h"
#include "emit/emit_text.h"
#include "ir/text.h"

namespace pg::caddy {

namespace {

std::string host_port(const ir::UpstreamServer& s) {
  std::string host = s.address.find(':') != std::string::npos ? "[" + s.address + "]" : s.address;
  return fmt::format("{}:{}", host, s.port);
}

// Caddy's status classes where a whole hundred is listed.
std::string statuses(const std::vector<int>& codes) {
  std::vector<std::string> out;
  std::vector<int> sorted = codes;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (size_t i = 0; i < sorted.size();) {
    int c = sorted[i];
    if (c % 100 == 0 && i + 99 < sorted.size() && sorted[i + 99] == c + 99) {
      out.push_back(fmt::format("{}xx", c / 100));
      i += 100;
    } else {
      out.push_back(std::to_string(c));
      ++i;
    }
  }
  return fmt::format("{}", fmt::join(out, " "));
}

bool is_default_field(const std::string& lower) {
  return lower == "host" || lower == "x-forwarded-for" || lower == "x-forwarded-proto" || lower == "x-forwarded-host";
}

struct Block {
  std::vector<std::string> lines;
  std::vector<std::pair<std::string, std::vector<std::string>>> blocks;  // head, lines
};

void balancing(EmitContext& cx, const ir::Pool& pool, std::vector<std::string>& out) {
  const ir::Balancing& b = pool.balancing;
  auto& s = b.key.parts;
  switch (b.policy) {
    case ir::Balance::round_robin: out.push_back("lb_policy round_robin"); break;
    case ir::Balance::least_conn: out.push_back("lb_policy least_conn"); break;
    case ir::Balance::first: out.push_back("lb_policy first"); break;
    case ir::Balance::ip_hash: out.push_back("lb_policy ip_hash"); break;
    case ir::Balance::random:
      if (b.choices > 1) {
        if (b.choice_policy != ir::Balance::least_conn)
          cx.cannot(pool.loc, "choosing among random servers by anything but the fewest connections",
                    "random_choose picks the one with the fewest connections");
        out.push_back(fmt::format("lb_policy random_choose {}", b.choices));
      }
      break;  // random is Caddy's default
    case ir::Balance::cookie: {
      std::string name = s.empty() ? "lb" : s.front().value;
      if (!b.secret.empty()) out.push_back("lb_policy cookie " + token(name) + " " + token(b.secret));
      else out.push_back(name == "lb" ? "lb_policy cookie" : "lb_policy cookie " + token(name));
      break;
    }
    case ir::Balance::hash: {
      if (s.size() == 1 && s[0].var == ir::Var::client_address && s[0].converters.empty()) out.push_back("lb_policy ip_hash");
      else if (s.size() == 1 && s[0].var == ir::Var::request_uri && s[0].converters.empty()) out.push_back("lb_policy uri_hash");
      else if (s.size() == 1 && s[0].var == ir::Var::request_header && s[0].converters.empty())
        out.push_back("lb_policy header " + token(s[0].value));
      else {
        bool by_uri = std::any_of(s.begin(), s.end(), [](const ir::TemplatePart& p) {
          return p.var == ir::Var::path || p.var == ir::Var::request_uri || p.var == ir::Var::query_arg || p.var == ir::Var::query;
        });
        cx.cannot(pool.loc, "hashing on this key", by_uri ? "uri_hash hashes the whole request URI" : "ip_hash hashes the client address");
        out.push_back(by_uri ? "lb_policy uri_hash" : "lb_policy ip_hash");
      }
      if (!b.consistent)
        cx.cannot(pool.loc, "a plain (non-consistent) hash", "Caddy's hash is consistent (highest random weight)");
      break;
    }
  }
}

}  // namespace

void emit_proxy(EmitContext& cx, Writer& w, const ir::Route& route, std::string_view regex_name) {
  const ir::ProxyAction& p = *route.action.proxy;
  const ir::Pool* pool = p.pool.empty() ? nullptr : cx.pool(p.pool);
  if (!pool) {
    cx.cannot(route.loc, "a proxy target chosen per request", "the route answers 502");
    w.line("respond 502");
    return;
  }
  ++cx.proxies_of[pool];  // each reverse_proxy keeps its own balancing state (emit.cpp warns)

  // Upstreams.
  std::string scheme;
  bool h2_versions = false;
  if (p.scheme == "https" || p.scheme == "grpcs") scheme = "https://";
  if (p.protocol == ir::UpstreamProtocol::h2 || p.protocol == ir::UpstreamProtocol::grpc) {
    if (scheme.empty()) scheme = "h2c://";
    else h2_versions = true;
  }
  if (p.protocol == ir::UpstreamProtocol::grpc)
    cx.cannot(route.loc, "gRPC as such to the upstream", "HTTP/2 carries it");
  std::vector<std::string> upstreams;
  const ir::UpstreamServer* first = nullptr;
  int weighted = 0;
  for (const auto& s : pool->servers) {
    if (s.port == 0 || s.address.rfind("unix:", 0) == 0) {
      cx.cannot(s.loc, fmt::format("the unix socket upstream {}", s.address), "it is left out");
      continue;
    }
    if (s.backup) {
      cx.cannot(s.loc, fmt::format("the backup server {}", host_port(s)),
                "Caddy 2.6 has no backup servers: it is left out, and gets no traffic even when the others are down");
      continue;
    }
    if (s.down) {
      cx.cannot(s.loc, fmt::format("the server {} marked down", host_port(s)), "it is left out");
      continue;
    }
    if (s.weight != 1) ++weighted;
    if (!first) first = &s;
    upstreams.push_back(scheme + host_port(s));
  }
  if (weighted)
    cx.cannot(pool->loc, "server weights", "Caddy 2.6 balances without weights: every server gets an equal share");

  // The pool's settings (balancing, retries, health), then the fields to the upstream:
  // each a group of lines many handles share (emit_snippets.h).
  std::vector<std::string> lines;
  balancing(cx, *pool, lines);

  // Retries: Caddy retries (connection errors only) for lb_try_duration.
  // "Every server once" (nginx's proxy_next_upstream, HAProxy's retries) has no Caddy
  // equivalent: a window of one interval per further server makes Caddy try each about
  // once when connections are refused at once (a failover that waits for a connect
  // timeout is not retried).
  if (!p.retry.on.empty()) {
    int64_t window = p.retry.timeout_ms;
    int64_t interval = p.retry.interval_ms > 0 ? p.retry.interval_ms : 250;
    if (window == 0 && upstreams.size() > 1) {
      int64_t tries = static_cast<int64_t>(upstreams.size());
      if (p.retry.max_tries > 0) tries = std::min<int64_t>(tries, p.retry.max_tries);
      if (tries > 1) {
        window = interval * (tries - 1);
        cx.cannot(route.loc, tries == static_cast<int64_t>(upstreams.size()) ? std::string("trying every server once") : fmt::format("trying {} servers once each", tries),
                  fmt::format("lb_try_duration {} ({} times lb_try_interval {}) approximates it: Caddy retries while the window lasts, so a "
                              "server that is slow to refuse is not retried and one that refuses at once may be tried again",
                              emit::duration(window), tries - 1, emit::duration(interval)));
      }
    }
    if (window > 0) {
      lines.push_back("lb_try_duration " + emit::duration(window));
      if (interval != 250) lines.push_back("lb_try_interval " + emit::duration(interval));
    }
  }

  // Active health.
  std::vector<std::string> health_headers;
  if (pool->health_check && pool->health_check->connect_only)
    cx.cannot(pool->loc, "health checks that only connect",
              "they are left out: an HTTP check could fail servers that answer errors on every path");
  if (const auto& h = pool->health_check; h && !h->connect_only) {
    lines.push_back("health_uri " + token(h->uri.empty() ? "/" : h->uri));
    if (h->port) lines.push_back(fmt::format("health_port {}", h->port));
    if (h->interval_ms != 30000) lines.push_back("health_interval " + emit::duration(h->interval_ms));
    if (h->timeout_ms != 5000) lines.push_back("health_timeout " + emit::duration(h->timeout_ms));
    if (!h->expect_status.empty()) {
      std::string st = statuses(h->expect_status);
      if (st.find(' ') != std::string::npos) {
        cx.cannot(pool->loc, fmt::format("expecting any of the statuses {} from health checks", st),
                  "only the first is expected");
        st = st.substr(0, st.find(' '));
      }
      lines.push_back("health_status " + st);
    }
    if (!h->expect_body_regex.empty()) lines.push_back("health_body " + token(h->expect_body_regex));
    for (const auto& [name, value] : h->headers) health_headers.push_back(token(name) + " " + token(value));
    if (h->method != "GET" && !h->method.empty())
      cx.cannot(pool->loc, fmt::format("health checks with method {}", h->method), "they use GET");
  }

  // Passive health.
  if (first) {
    bool differ = false;
    for (const auto& s : pool->servers)
      if (!s.backup && !s.down && (s.max_fails != first->max_fails || s.fail_timeout_ms != first->fail_timeout_ms || s.max_conns != first->max_conns))
        differ = true;
    if (differ)
      cx.cannot(pool->loc, "passive health or connection limits that differ per server",
                fmt::format("every server gets {}'s", host_port(*first)));
    if (first->max_fails > 0 && first->fail_timeout_ms > 0) {
      lines.push_back("fail_duration " + emit::duration(first->fail_timeout_ms));
      if (first->max_fails != 1) lines.push_back(fmt::format("max_fails {}", first->max_fails));
      if (!pool->failure_statuses.empty()) lines.push_back("unhealthy_status " + statuses(pool->failure_statuses));
      if (pool->failure_latency_ms > 0) lines.push_back("unhealthy_latency " + emit::duration(pool->failure_latency_ms));
    } else if (!pool->failure_statuses.empty() || pool->failure_latency_ms > 0) {
      cx.cannot(pool->loc, "failing statuses or latencies without a failure window", "they are not counted");
    }
    if (first->max_conns > 0) lines.push_back(fmt::format("unhealthy_request_count {}", first->max_conns));
  }
  // The Host the pool's name gives (nginx's $proxy_host) goes with the pool's settings.
  std::vector<std::string> fields;
  if (p.buffering.request) fields.push_back("buffer_requests");

  // Headers to the upstream. Caddy sets Host (the client's), X-Forwarded-For/-Proto/-Host
  // itself; header_up ops come after them.
  std::map<std::string, const ir::HeaderOp*> first_op;
  for (const auto& op : route.request_headers) first_op.emplace(ir::to_lower(op.name), &op);
  // The incoming X-Forwarded-For with the client address appended (nginx's
  // $proxy_add_x_forwarded_for, HAProxy's forwardfor line after the client's) is what
  // Caddy sends when it trusts the client: trusted_proxies for every client. Caddy then
  // keeps a trusted client's X-Forwarded-Proto/-Host too, so those are written.
  const ir::HeaderOp* appended = nullptr;
  if (auto it = first_op.find("x-forwarded-for"); it != first_op.end()) {
    const ir::HeaderOp& op = *it->second;
    bool single = op.value.parts.size() == 1 && op.value.parts[0].converters.empty() && op.except_clients.empty();
    bool last = std::none_of(route.request_headers.begin(), route.request_headers.end(),
                             [&](const ir::HeaderOp& o) { return &o != &op && ir::to_lower(o.name) == "x-forwarded-for"; });
    if (single && last &&
        ((op.op == ir::HeaderOpKind::set && op.value.parts[0].var == ir::Var::forwarded_for_appended) ||
         (op.op == ir::HeaderOpKind::add && op.value.parts[0].var == ir::Var::client_address))) {
      appended = &op;
      fields.push_back("trusted_proxies 0.0.0.0/0 ::/0");
      if (op.op == ir::HeaderOpKind::add)
        cx.cannot(op.loc, "X-Forwarded-For as a line of its own after the client's",
                  "Caddy appends the client address to the client's X-Forwarded-For in one comma-joined line (the same value)");
    }
  }
  // With trusted_proxies, Caddy's own X-Forwarded-Proto/-Host (a client's kept, else
  // the scheme / Host): the IR's add_if_absent of those values.
  auto caddy_kept = [&](const ir::HeaderOp* op) {
    if (!appended || op->op != ir::HeaderOpKind::add_if_absent || op->value.parts.size() != 1 ||
        !op->value.parts[0].converters.empty())
      return false;
    const auto& part = op->value.parts[0];
    std::string lower = ir::to_lower(op->name);
    return (lower == "x-forwarded-proto" && part.var == ir::Var::scheme) ||
           (lower == "x-forwarded-host" && part.var == ir::Var::request_header && ir::to_lower(part.value) == "host");
  };
  for (const char* field : {"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"}) {
    auto it = first_op.find(ir::to_lower(field));
    if (appended && it != first_op.end() && (it->second == appended || caddy_kept(it->second))) continue;
    if (it == first_op.end() || (it->second->op != ir::HeaderOpKind::set && it->second->op != ir::HeaderOpKind::remove))
      fields.push_back(std::string("header_up -") + field);
  }
  {
    auto it = first_op.find("host");
    if (it != first_op.end() && it->second->op != ir::HeaderOpKind::set && it->second->op != ir::HeaderOpKind::remove)
      fields.push_back("header_up -Host");
  }
  for (const auto& op : route.request_headers) {
    std::string lower = ir::to_lower(op.name);
    // Caddy drops hop-by-hop fields itself (the route's `upgrade` says whether Upgrade passes).
    static const char* const hop[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"};
    if (op.op == ir::HeaderOpKind::remove && std::find(std::begin(hop), std::end(hop), lower) != std::end(hop)) continue;
    if (&op == appended || (caddy_kept(&op) && first_op[ir::to_lower(op.name)] == &op)) continue;  // trusted_proxies says it
    // Caddy's own values need not be written again.
    if (op.op == ir::HeaderOpKind::set && op.value.parts.size() == 1 && op.value.parts[0].converters.empty() &&
        first_op[lower] == &op) {
      const auto& part = op.value.parts[0];
      bool same = (lower == "host" && part.var == ir::Var::request_header && ir::to_lower(part.value) == "host") ||
                  (lower == "x-forwarded-for" && part.var == ir::Var::client_address) ||
                  (lower == "x-forwarded-proto" && part.var == ir::Var::scheme) ||
                  (lower == "x-forwarded-host" && part.var == ir::Var::request_header && ir::to_lower(part.value) == "host");
      bool later = std::any_of(route.request_headers.begin(), route.request_headers.end(),
                               [&](const ir::HeaderOp& o) { return &o != &op && ir::to_lower(o.name) == lower; });
      // With trusted_proxies Caddy keeps a client's X-Forwarded-Proto/-Host: set them.
      bool kept_from_client = appended && (lower == "x-forwarded-proto" || lower == "x-forwarded-host");
      if (same && !later && is_default_field(lower) && !kept_from_client) continue;
      if (lower == "host" && part.var == ir::Var::upstream_host) {
        // nginx's $proxy_host: the target as written; Caddy's nearest is the upstream's host:port.
        bool single = pool->servers.size() == 1 && host_port(pool->servers[0]) == p.authority;
        // The field's only operation: its place among the others changes nothing.
        (later ? fields : lines)
            .push_back("header_up Host " + (single || p.authority.empty() ? std::string("{upstream_hostport}") : token(p.authority)));
        continue;
      }
    }
    fields.push_back("header_up " + header_words(cx, op, regex_name));
  }
  for (const auto& op : route.response_headers) fields.push_back("header_down " + header_words(cx, op, regex_name));

  // The http transport.
  std::vector<std::string> transport;
  if (h2_versions) transport.push_back("versions 2");
  if (pool->keepalive.max_idle == 0) {
    transport.push_back("keepalive off");
  } else {
    if (pool->keepalive.idle_timeout_ms > 0 && pool->keepalive.idle_timeout_ms != 120000) transport.push_back("keepalive " + emit::duration(pool->keepalive.idle_timeout_ms));
    // Caddy reads up to nine digits: more is "unlimited" either way.
    if (pool->keepalive.max_idle != 32)
      transport.push_back(fmt::format("keepalive_idle_conns_per_host {}", std::min(pool->keepalive.max_idle, 999999999)));
  }
  if (p.timeouts.connect_ms != 3000) transport.push_back("dial_timeout " + emit::duration(p.timeouts.connect_ms));
  if (p.timeouts.read_ms != 0) transport.push_back("read_timeout " + emit::duration(p.timeouts.read_ms));
  if (p.timeouts.send_ms != 0) transport.push_back("write_timeout " + emit::duration(p.timeouts.send_ms));

  std::string head = "reverse_proxy";
  for (const auto& u : upstreams) head += " " + u;
  if (lines.empty() && fields.empty() && transport.empty() && health_headers.empty()) {
    w.line(head);
    return;
  }
  if (!health_headers.empty()) {
    lines.emplace_back("health_headers {");
    for (const auto& l : health_headers) lines.push_back("\t" + l);
    lines.emplace_back("}");
  }
  if (!transport.empty()) {
    transport.insert(transport.begin(), "transport http {");
    for (size_t i = 1; i < transport.size(); ++i) transport[i] = "\t" + transport[i];
    transport.emplace_back("}");
  }
  // The whole directive is a group too: thousands of handles proxy to a few hundred
  // pools with the same settings, and import it in one line (the groups only it uses
  // are then written inside it). (Not the fields and the
  // transport as one group of two imports: Caddy 2.6 leaves an import unexpanded at the
  // start of a snippet imported inside a block.)
  std::vector<std::string> block{head + " {"};
  if (!lines.empty())
    block.push_back("\t" + cx.snippets.use("pool_" + p.pool, std::move(lines), emit::source_comment(pool->loc)));
  if (!fields.empty()) block.push_back("\t" + cx.snippets.use("upstream_fields", std::move(fields)));
  if (!transport.empty()) block.push_back("\t" + cx.snippets.use("transport", std::move(transport)));
  block.emplace_back("}");
  w.line(cx.snippets.use("proxy_" + p.pool, std::move(block), emit::source_comment(pool->loc)));
}

}  // namespace pg::caddy
