// Pools -> upstream { } blocks: servers and their parameters, balancing, keepalive.
// A pool nginx would make by itself from a proxy_pass address stays inline.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "emit/emit_text.h"
#include "nginx/emit_writer.h"

namespace pg::nginx::emitter {

namespace {

constexpr int kMaxKeepalive = 1024;

std::string host_port(const ir::UpstreamServer& s) {
  if (s.address.rfind("unix:", 0) == 0) return s.address;
  bool v6 = s.address.find(':') != std::string::npos;
  return v6 ? fmt::format("[{}]:{}", s.address, s.port) : fmt::format("{}:{}", s.address, s.port);
}

// What nginx's implicit pool of a proxy_pass address is: one server, nginx's defaults.
bool is_plain_address_pool(const ir::Pool& p) {
  if (!p.implicit || p.servers.size() != 1) return false;
  const ir::UpstreamServer d;
  const auto& s = p.servers[0];
  return s.weight == d.weight && s.max_fails == d.max_fails && s.fail_timeout_ms == d.fail_timeout_ms &&
         !s.backup && !s.down && s.max_conns == 0 && p.balancing.policy == ir::Balance::round_robin &&
         p.keepalive.max_idle == 0 && p.keepalive.idle_timeout_ms == 60000 && p.keepalive.max_requests == 1000 &&
         !p.health_check && p.failure_statuses.empty() && p.failure_latency_ms == 0;
}

std::string sanitize(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty()) out = "pool";
  return out;
}

bool used(const ir::Config& c, const std::string& pool) {
  auto in = [&](const ir::Route& r) { return r.action.proxy && r.action.proxy->pool == pool; };
  for (const auto& vh : c.virtual_hosts) {
    if (std::any_of(vh.routes.begin(), vh.routes.end(), in)) return true;
    if (std::any_of(vh.named_routes.begin(), vh.named_routes.end(), in)) return true;
    if (in(vh.fallback)) return true;
  }
  return false;
}

}  // namespace

void plan_pools(Context& ctx) {
  std::set<std::string> taken;
  for (const auto& p : ctx.config.pools) {
    if (p.servers.empty()) {
      ctx.pools.empty.insert(p.name);
      continue;
    }
    if (is_plain_address_pool(p) && !ctx.map_pools.count(p.name)) {
      ctx.pools.inline_target[p.name] = host_port(p.servers[0]);
      continue;
    }
    std::string name = sanitize(p.name);
    for (int i = 2; taken.count(name); ++i) name = fmt::format("{}_{}", sanitize(p.name), i);
    taken.insert(name);
    ctx.pools.upstream[p.name] = name;
  }
}

void emit_pools(Context& ctx, Writer& w) {
  for (const auto& p : ctx.config.pools) {
    auto it = ctx.pools.upstream.find(p.name);
    if (it == ctx.pools.upstream.end()) continue;
    if (p.implicit && !used(ctx.config, p.name)) continue;
    w.blank();
    if (p.loc.line) w.comment(emit::source_comment(p.loc));
    if (p.persistence)
      ctx.losses.warning(p.persistence->loc,
                         fmt::format("pool \"{}\": nginx open source cannot keep clients on a server by the cookie {} "
                                     "(\"sticky\" is NGINX Plus); requests are balanced without it",
                                     p.name, p.persistence->name));
    w.open("upstream " + it->second);

    std::vector<ir::UpstreamServer> servers = p.servers;
    bool backup_allowed = true;
    switch (p.balancing.policy) {
      case ir::Balance::round_robin:
        if (p.balancing.weighted_order == ir::WeightedOrder::positional && servers.size() > 1)
          ctx.losses.warning(p.loc, fmt::format("pool \"{}\": nginx's weighted round robin interleaves servers "
                                                "smoothly (weights 3:1 give a a b a), not in runs", p.name));
        break;
      case ir::Balance::least_conn:
        w.line("least_conn;");
        break;
      case ir::Balance::ip_hash:
        w.line("ip_hash;");
        backup_allowed = false;
        break;
      case ir::Balance::hash:
        w.directive("hash", p.balancing.consistent
                                ? std::vector<std::string>{ctx.templates.value(p.balancing.key, p.loc, "the hash key"), "consistent"}
                                : std::vector<std::string>{ctx.templates.value(p.balancing.key, p.loc, "the hash key")});
        backup_allowed = false;
        break;
      case ir::Balance::random:
        if (p.balancing.choices <= 1) {
          w.line("random;");
        } else {
          if (p.balancing.choices != 2 || p.balancing.choice_policy != ir::Balance::least_conn)
            ctx.losses.warning(p.loc, fmt::format("pool \"{}\": nginx's random balancing draws two servers and picks "
                                                  "the least connected; it is used instead", p.name));
          w.line("random two least_conn;");
        }
        backup_allowed = false;
        break;
      case ir::Balance::first: {
        ctx.losses.warning(p.loc, fmt::format("pool \"{}\": nginx has no \"first available server\" balancing; "
                                              "the first server is primary and the others its backups", p.name));
        bool seen_primary = false;
        for (auto& s : servers) {
          if (s.backup) continue;
          if (seen_primary) s.backup = true;
          seen_primary = true;
        }
        break;
      }
      case ir::Balance::cookie:
        ctx.losses.warning(p.loc, fmt::format("pool \"{}\": nginx open source has no cookie stickiness "
                                              "(\"sticky\" is NGINX Plus); ip_hash keeps each client on one server instead",
                                              p.name));
        w.line("ip_hash;");
        backup_allowed = false;
        break;
    }

    for (auto& s : servers) {
      // Active checks approximated by passive ones: `fall` failed requests take the
      // server out for as long as `rise` checks would take to bring it back.
      if (p.health_check && s.max_fails == 0) {
        s.max_fails = std::max(1, p.health_check->fall);
        s.fail_timeout_ms = std::max<int64_t>(1, p.health_check->interval_ms * std::max(1, p.health_check->rise));
      }
      std::vector<std::string> args{host_port(s)};
      if (s.weight != 1) args.push_back(fmt::format("weight={}", s.weight));
      if (s.max_fails != 1) args.push_back(fmt::format("max_fails={}", s.max_fails));
      // nginx reads fail_timeout in whole seconds (the compare reports a rounding).
      int64_t fail_timeout = (s.fail_timeout_ms + 999) / 1000 * 1000;
      if (s.max_fails != 0 && fail_timeout != 10000) args.push_back("fail_timeout=" + emit::duration(fail_timeout));
      if (s.max_conns != 0) args.push_back(fmt::format("max_conns={}", s.max_conns));
      if (s.backup) {
        if (backup_allowed) args.push_back("backup");
        else ctx.losses.warning(s.loc, fmt::format("nginx cannot combine a backup server with this pool's balancing "
                                                    "method: {} is an ordinary server", host_port(s)));
      }
      if (s.down) args.push_back("down");
      std::string line = "server";
      for (const auto& a : args) line += " " + quote(a);
      line += ";";
      if (!s.name.empty()) line += "  # " + s.name;
      w.line(line);
    }

    if (p.keepalive.max_idle > 0) {
      // nginx allocates the cache up front: an unbounded count is capped.
      int idle = std::min(p.keepalive.max_idle, kMaxKeepalive);  // the compare reports the change
      w.line(fmt::format("keepalive {};", idle));
    }
    if (p.keepalive.idle_timeout_ms != 60000) w.line("keepalive_timeout " + emit::duration(p.keepalive.idle_timeout_ms) + ";");
    if (p.keepalive.max_requests != 1000) {
      // 0 (no limit) has no nginx spelling: the largest count is the nearest.
      int n = p.keepalive.max_requests == 0 ? 2147483647 : p.keepalive.max_requests;
      w.line(fmt::format("keepalive_requests {};", n));
    }
    w.close();

    if (p.health_check)
      ctx.losses.warning(p.loc, fmt::format("pool \"{}\": nginx open source has no active health checks "
                                            "(\"health_check\" is NGINX Plus); passive checks approximate them: "
                                            "max_fails={} (fall) fail_timeout={} (inter x rise, in whole seconds), and a request failing "
                                            "on a server goes on to the next (proxy_next_upstream error timeout)",
                                            p.name, std::max(1, p.health_check->fall),
                                            emit::duration((std::max<int64_t>(1, p.health_check->interval_ms *
                                                                                    std::max(1, p.health_check->rise)) + 999) / 1000 * 1000)));
    if (!p.failure_statuses.empty() || p.failure_latency_ms != 0)
      ctx.losses.warning(p.loc, fmt::format("pool \"{}\": nginx counts only errors and timeouts (and the statuses "
                                            "proxy_next_upstream retries) as server failures, not slow responses or "
                                            "other statuses",
                                            p.name));
  }
}

}  // namespace pg::nginx::emitter
