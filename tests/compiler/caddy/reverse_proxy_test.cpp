// reverse_proxy: shorthand and block forms, every subdirective, Caddy 2.6's defaults.
#include <gtest/gtest.h>

#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

const ir::Route& only_route(const ir::Config& c) { return c.virtual_hosts.at(0).routes.at(0); }

std::string header_value(const std::vector<ir::HeaderOp>& ops, const std::string& name) {
  for (const auto& op : ops)
    if (op.name == name) return render(op.value);
  return "<absent>";
}

TEST(CaddyReverseProxy, DefaultsAreWrittenIntoTheIr) {
  auto c = caddy(":8080 {\n\treverse_proxy localhost:8000\n}\n");
  ASSERT_EQ(c.pools.size(), 1u);
  const auto& pool = c.pools[0];
  EXPECT_TRUE(pool.implicit);
  EXPECT_EQ(pool.balancing.policy, ir::Balance::random);
  EXPECT_EQ(pool.balancing.choices, 1);
  EXPECT_EQ(pool.keepalive.max_idle, 32);
  EXPECT_EQ(pool.keepalive.idle_timeout_ms, 120000);
  EXPECT_EQ(pool.keepalive.max_requests, 0);
  EXPECT_FALSE(pool.health_check);
  ASSERT_EQ(pool.servers.size(), 1u);
  EXPECT_EQ(pool.servers[0].address, "localhost");
  EXPECT_EQ(pool.servers[0].port, 8000);
  EXPECT_EQ(pool.servers[0].max_fails, 0);  // passive health off
  const auto& r = only_route(c);
  ASSERT_TRUE(r.action.proxy);
  const auto& p = *r.action.proxy;
  EXPECT_EQ(p.pool, pool.name);
  EXPECT_EQ(p.authority, "localhost:8000");
  EXPECT_EQ(p.scheme, "http");
  EXPECT_EQ(p.protocol, ir::UpstreamProtocol::http1_1);
  EXPECT_TRUE(p.upgrade);
  EXPECT_EQ(p.timeouts.connect_ms, 3000);
  EXPECT_EQ(p.timeouts.read_ms, 0);
  EXPECT_EQ(p.timeouts.send_ms, 0);
  EXPECT_FALSE(p.buffering.response);
  EXPECT_FALSE(p.buffering.request);
  EXPECT_TRUE(p.retry.on.empty());
  EXPECT_EQ(p.retry.interval_ms, 250);
  EXPECT_EQ(p.redirect_rewrite.mode, ir::RedirectRewriteMode::off);
  ASSERT_EQ(r.request_headers.size(), 4u);
  EXPECT_EQ(header_value(r.request_headers, "Host"), "${request_header:Host}");
  EXPECT_EQ(header_value(r.request_headers, "X-Forwarded-For"), "${client_address}");
  EXPECT_EQ(header_value(r.request_headers, "X-Forwarded-Proto"), "${scheme}");
  EXPECT_EQ(header_value(r.request_headers, "X-Forwarded-Host"), "${request_header:Host}");
  EXPECT_EQ(r.limits.max_body_bytes, 0);
}

TEST(CaddyReverseProxy, UpstreamForms) {
  auto c = caddy(":8080 {\n\treverse_proxy 10.0.0.1 [::1]:9000 :7000\n}\n");
  const auto& s = c.pools.at(0).servers;
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].address, "10.0.0.1");
  EXPECT_EQ(s[0].port, 80);
  EXPECT_EQ(s[1].address, "::1");
  EXPECT_EQ(s[1].port, 9000);
  EXPECT_EQ(s[2].address, "localhost");
  EXPECT_EQ(s[2].port, 7000);
  EXPECT_EQ(c.pools[0].name, "10.0.0.1:80 [::1]:9000 localhost:7000");

  auto tls = caddy(":8080 {\n\treverse_proxy https://api.internal\n}\n");
  EXPECT_EQ(tls.pools[0].servers[0].port, 443);
  EXPECT_EQ(only_route(tls).action.proxy->scheme, "https");

  auto h2c = caddy(":8080 {\n\treverse_proxy h2c://127.0.0.1:9000\n}\n");
  EXPECT_EQ(only_route(h2c).action.proxy->protocol, ir::UpstreamProtocol::h2);
}

TEST(CaddyReverseProxy, BlockFormWithToAndShorthandTogether) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 {\n\t\tto b:2 c:3\n\t}\n}\n");
  EXPECT_EQ(c.pools.at(0).servers.size(), 3u);
  EXPECT_EQ(c.pools[0].servers[2].address, "c");
}

ir::Balancing policy(const std::string& line) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 b:2 {\n\t\t" + line + "\n\t}\n}\n");
  return c.pools.empty() ? ir::Balancing{} : c.pools[0].balancing;
}

TEST(CaddyReverseProxy, EveryLoadBalancingPolicy) {
  EXPECT_EQ(policy("lb_policy random").policy, ir::Balance::random);
  auto choose = policy("lb_policy random_choose 3");
  EXPECT_EQ(choose.policy, ir::Balance::random);
  EXPECT_EQ(choose.choices, 3);
  EXPECT_EQ(choose.choice_policy, ir::Balance::least_conn);
  EXPECT_EQ(policy("lb_policy random_choose").choices, 2);
  EXPECT_EQ(policy("lb_policy least_conn").policy, ir::Balance::least_conn);
  EXPECT_EQ(policy("lb_policy round_robin").policy, ir::Balance::round_robin);
  EXPECT_EQ(policy("lb_policy first").policy, ir::Balance::first);
  auto ip = policy("lb_policy ip_hash");
  EXPECT_EQ(ip.policy, ir::Balance::hash);
  EXPECT_TRUE(ip.consistent);
  EXPECT_EQ(render(ip.key), "${client_address}");
  EXPECT_EQ(render(policy("lb_policy client_ip_hash").key), "${client_address}");
  EXPECT_EQ(render(policy("lb_policy uri_hash").key), "${request_uri}");
  auto hdr = policy("lb_policy header X-User");
  EXPECT_EQ(hdr.policy, ir::Balance::hash);
  EXPECT_EQ(render(hdr.key), "${request_header:X-User}");
  auto cookie = policy("lb_policy cookie");
  EXPECT_EQ(cookie.policy, ir::Balance::cookie);
  EXPECT_EQ(render(cookie.key), "lb");
  EXPECT_EQ(render(policy("lb_policy cookie srv").key), "srv");
}

TEST(CaddyReverseProxy, RetriesAndPassiveHealth) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 b:2 {\n\t\tlb_try_duration 5s\n\t\tlb_try_interval 100ms\n"
                 "\t\tfail_duration 30s\n\t\tmax_fails 3\n\t\tunhealthy_request_count 100\n\t}\n}\n");
  const auto& p = *only_route(c).action.proxy;
  EXPECT_EQ(p.retry.timeout_ms, 5000);
  EXPECT_EQ(p.retry.interval_ms, 100);
  EXPECT_EQ(p.retry.on, std::vector<ir::RetryOn>{ir::RetryOn::error});
  for (const auto& s : c.pools[0].servers) {
    EXPECT_EQ(s.max_fails, 3);
    EXPECT_EQ(s.fail_timeout_ms, 30000);
    EXPECT_EQ(s.max_conns, 100);
  }
}

TEST(CaddyReverseProxy, ActiveHealthChecks) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 {\n\t\thealth_uri /healthz?full=1\n\t\thealth_port 9001\n"
                 "\t\thealth_interval 10s\n\t\thealth_timeout 2s\n\t\thealth_status 2xx\n"
                 "\t\thealth_body ^OK\n\t\thealth_headers {\n\t\t\tHost health.local\n\t\t\tX-Probe a b\n\t\t}\n\t}\n}\n");
  ASSERT_TRUE(c.pools.at(0).health_check);
  const auto& h = *c.pools[0].health_check;
  EXPECT_EQ(h.uri, "/healthz?full=1");
  EXPECT_EQ(h.port, 9001);
  EXPECT_EQ(h.interval_ms, 10000);
  EXPECT_EQ(h.timeout_ms, 2000);
  ASSERT_EQ(h.expect_status.size(), 100u);
  EXPECT_EQ(h.expect_status.front(), 200);
  EXPECT_EQ(h.expect_status.back(), 299);
  EXPECT_EQ(h.expect_body_regex, "^OK");
  ASSERT_EQ(h.headers.size(), 3u);
  EXPECT_EQ(h.headers[0], (std::pair<std::string, std::string>{"Host", "health.local"}));
  EXPECT_EQ(h.headers[2], (std::pair<std::string, std::string>{"X-Probe", "b"}));
  EXPECT_EQ(h.rise, 1);
  EXPECT_EQ(h.fall, 1);
}

TEST(CaddyReverseProxy, HealthDefaultsAndStatusCode) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 {\n\t\thealth_uri /h\n\t\thealth_status 204\n\t}\n}\n");
  const auto& h = *c.pools.at(0).health_check;
  EXPECT_EQ(h.interval_ms, 30000);
  EXPECT_EQ(h.timeout_ms, 5000);
  EXPECT_EQ(h.expect_status, std::vector<int>{204});
  EXPECT_EQ(h.port, 0);
  EXPECT_EQ(h.method, "GET");
}

TEST(CaddyReverseProxy, HealthOptionsWithoutUriOrPortWarnAndStayOff) {
  Compiled c = compile_caddy(":8080 {\n\treverse_proxy a:1 {\n\t\thealth_interval 5s\n\t}\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  EXPECT_FALSE(c.config->pools[0].health_check);
  EXPECT_EQ(c.errors(), "Caddyfile:2:2: warning: health checks stay off without health_uri or health_port (as in Caddy)\n");
}

TEST(CaddyReverseProxy, HeaderUpAndDownForms) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 {\n\t\theader_up Host {upstream_hostport}\n"
                 "\t\theader_up +X-Tag one\n\t\theader_up -X-Forwarded-Host\n\t\theader_up X-Path ^/v1 /v2\n"
                 "\t\theader_down -Server\n\t\theader_down Location http:// https://\n\t}\n}\n");
  const auto& r = only_route(c);
  ASSERT_EQ(r.request_headers.size(), 8u);
  EXPECT_EQ(r.request_headers[4].name, "Host");
  EXPECT_EQ(render(r.request_headers[4].value), "${upstream_addr}");  // the picked server, not the target as written
  EXPECT_EQ(r.request_headers[5].op, ir::HeaderOpKind::add);
  EXPECT_EQ(r.request_headers[6].op, ir::HeaderOpKind::remove);
  EXPECT_EQ(r.request_headers[6].name, "X-Forwarded-Host");
  EXPECT_EQ(r.request_headers[7].op, ir::HeaderOpKind::replace);
  EXPECT_EQ(r.request_headers[7].search, "^/v1");
  EXPECT_EQ(render(r.request_headers[7].value), "/v2");
  ASSERT_EQ(r.response_headers.size(), 2u);
  EXPECT_EQ(r.response_headers[0].op, ir::HeaderOpKind::remove);
  EXPECT_EQ(r.response_headers[1].op, ir::HeaderOpKind::replace);
}

// Any keep-alive option of transport http replaces Caddy's defaults (32 idle per host,
// 2 min) with Go's http.Transport zero values: MaxIdleConnsPerHost 0 is 2, MaxIdleConns
// 0 and IdleConnTimeout 0 are no limit (caddy run 2.6.2: 2 idle connections kept).
TEST(CaddyReverseProxy, KeepaliveIdleConnsFollowGoDefaults) {
  auto ka = [](const std::string& lines, const std::string& upstreams = "a:1") {
    auto c = caddy(":8080 {\n\treverse_proxy " + upstreams + " {\n\t\ttransport http {\n" + lines + "\t\t}\n\t}\n}\n");
    return c.pools.at(0).keepalive;
  };
  auto none = ka("\t\t\tdial_timeout 5s\n");  // no keep-alive option: Caddy's defaults
  EXPECT_EQ(none.max_idle, 32);
  EXPECT_EQ(none.idle_timeout_ms, 120000);
  auto per_host0 = ka("\t\t\tkeepalive_idle_conns_per_host 0\n");
  EXPECT_EQ(per_host0.max_idle, 2);
  EXPECT_EQ(per_host0.idle_timeout_ms, 2147483647);  // no limit
  auto total0 = ka("\t\t\tkeepalive_idle_conns 0\n");
  EXPECT_EQ(total0.max_idle, 2);
  auto both = ka("\t\t\tkeepalive_idle_conns_per_host 10\n\t\t\tkeepalive_idle_conns 0\n\t\t\tkeepalive 30s\n");
  EXPECT_EQ(both.max_idle, 10);
  EXPECT_EQ(both.idle_timeout_ms, 30000);
  auto capped = ka("\t\t\tkeepalive_idle_conns_per_host 10\n\t\t\tkeepalive_idle_conns 4\n");
  EXPECT_EQ(capped.max_idle, 4);
  auto timeout_only = ka("\t\t\tkeepalive 30s\n");
  EXPECT_EQ(timeout_only.max_idle, 2);
  Compiled shared = compile_caddy(":8080 {\n\treverse_proxy a:1 b:1 {\n\t\ttransport http {\n"
                                  "\t\t\tkeepalive_idle_conns 3\n\t\t}\n\t}\n}\n");
  EXPECT_EQ(shared.errors(), "Caddyfile:2:2: warning: keepalive_idle_conns 3 caps idle connections to all upstreams "
                             "together; proxyglot keeps up to 2 per upstream\n");
}

TEST(CaddyReverseProxy, StreamingBufferingAndTransport) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 {\n\t\tflush_interval -1\n\t\tbuffer_requests\n"
                 "\t\ttransport http {\n\t\t\tversions h2c 2\n\t\t\tkeepalive 90s\n\t\t\tkeepalive_idle_conns 64\n"
                 "\t\t\tdial_timeout 2s\n\t\t\tread_timeout 30s\n\t\t\twrite_timeout 45s\n\t\t\ttls\n\t\t}\n\t}\n}\n");
  const auto& p = *only_route(c).action.proxy;
  EXPECT_FALSE(p.buffering.response);
  EXPECT_TRUE(p.buffering.request);
  EXPECT_EQ(p.protocol, ir::UpstreamProtocol::h2);
  EXPECT_EQ(p.timeouts.connect_ms, 2000);
  EXPECT_EQ(p.timeouts.read_ms, 30000);
  EXPECT_EQ(p.timeouts.send_ms, 45000);
  EXPECT_EQ(p.scheme, "https");
  EXPECT_EQ(c.pools[0].keepalive.idle_timeout_ms, 90000);
  EXPECT_EQ(c.pools[0].keepalive.max_idle, 2);  // per host: Go's default 2, under the total of 64
  auto off = caddy(":8080 {\n\treverse_proxy a:1 {\n\t\ttransport http {\n\t\t\tkeepalive off\n\t\t\tversions 1.1\n\t\t}\n\t}\n}\n");
  EXPECT_EQ(off.pools[0].keepalive.max_idle, 0);
  EXPECT_EQ(only_route(off).action.proxy->protocol, ir::UpstreamProtocol::http1_1);
}

TEST(CaddyReverseProxy, NoUpstreamIsAnEmptyPool) {
  auto c = caddy(":8080 {\n\treverse_proxy\n}\n");
  ASSERT_EQ(c.pools.size(), 1u);
  EXPECT_TRUE(c.pools[0].servers.empty());  // the runtime answers 502, as Caddy does
}

TEST(CaddyReverseProxy, EachReverseProxyHasItsOwnPool) {
  auto c = caddy(":8080 {\n\treverse_proxy /a* x:1\n\treverse_proxy x:1 {\n\t\tlb_policy first\n\t}\n}\n");
  ASSERT_EQ(c.pools.size(), 2u);
  EXPECT_EQ(c.pools[0].name, "x:1");
  EXPECT_EQ(c.pools[1].name, "x:1 #2");
  EXPECT_EQ(c.virtual_hosts[0].routes[1].action.proxy->pool, "x:1 #2");
}

}  // namespace
}  // namespace pg::test

namespace pg::test {
namespace {

TEST(CaddyReverseProxy, PassiveHealthStatusesAndLatency) {
  auto c = caddy(":8080 {\n\treverse_proxy a:1 b:2 {\n\t\tfail_duration 30s\n\t\tmax_fails 2\n"
                 "\t\tunhealthy_status 5xx 404\n\t\tunhealthy_latency 2s\n\t}\n}\n");
  const auto& pool = c.pools.at(0);
  EXPECT_EQ(pool.failure_latency_ms, 2000);
  ASSERT_EQ(pool.failure_statuses.size(), 101u);
  EXPECT_EQ(pool.failure_statuses.front(), 500);
  EXPECT_EQ(pool.failure_statuses.back(), 404);
  EXPECT_EQ(pool.servers[0].max_fails, 2);
  EXPECT_EQ(pool.servers[0].fail_timeout_ms, 30000);
}

TEST(CaddyReverseProxy, UnhealthyRulesNeedFailDuration) {
  auto r = compile_caddy(":8080 {\n\treverse_proxy a:1 {\n\t\tunhealthy_status 500\n\t}\n}\n");
  ASSERT_TRUE(r.config) << r.errors();
  EXPECT_TRUE(r.config->pools.at(0).failure_statuses.empty());
  EXPECT_NE(r.errors().find("warning: unhealthy_status and unhealthy_latency have no effect without fail_duration"),
            std::string::npos);
}

}  // namespace
}  // namespace pg::test
