// What the guide's Caddy examples (../shared/examples/seed/*.Caddyfile) mean, read
// back from the IR.
#include <gtest/gtest.h>

#include "compile.h"
#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

ir::Config seed(const std::string& stem) {
  CompileResult r = compile_config(std::string(PROXYGLOT_SOURCE_DIR) + "/../shared/examples/seed/" + stem + ".Caddyfile",
                                   std::nullopt);
  EXPECT_TRUE(r.config) << r.diags.to_string();
  EXPECT_EQ(r.diags.to_string(), "");
  return r.config ? *r.config : ir::Config{};
}

TEST(CaddySeed, BasicIsAutomaticHttpsProxy) {
  auto c = seed("basic");
  ASSERT_EQ(c.virtual_hosts.size(), 2u);
  EXPECT_TRUE(c.virtual_hosts[0].tls->generated_certificates);
  EXPECT_EQ(c.virtual_hosts[0].routes.at(0).action.proxy->authority, "localhost:8000");
  EXPECT_EQ(c.virtual_hosts[1].routes.at(0).action.redirect->status, 308);
}

TEST(CaddySeed, LoadBalancingWithActiveHealthChecks) {
  auto c = seed("lb");
  ASSERT_EQ(c.pools.size(), 1u);
  const auto& pool = c.pools[0];
  ASSERT_EQ(pool.servers.size(), 3u);
  EXPECT_EQ(pool.servers[2].port, 8002);
  EXPECT_EQ(pool.balancing.policy, ir::Balance::least_conn);
  ASSERT_TRUE(pool.health_check);
  EXPECT_EQ(pool.health_check->uri, "/healthz");
  EXPECT_EQ(pool.health_check->interval_ms, 10000);
  EXPECT_EQ(pool.health_check->timeout_ms, 5000);
  EXPECT_EQ(pool.health_check->expect_status, std::vector<int>{200});
  const auto& h = c.virtual_hosts[0].routes.at(0).request_headers;
  ASSERT_EQ(h.size(), 7u);  // Caddy's four, then the three header_up lines
  EXPECT_EQ(h[4].name, "Host");
  EXPECT_EQ(render(h[4].value), "${upstream_addr}");
  EXPECT_EQ(render(h[5].value), "${client_address}");
  EXPECT_EQ(render(h[6].value), "${scheme}");
}

TEST(CaddySeed, PathsRouteV2ToTheNewBackend) {
  auto c = seed("paths");
  EXPECT_EQ(route_for(c, "/v2/users"), "handle /v2/* > reverse_proxy");
  EXPECT_EQ(route_for(c, "/V2/users"), "handle /v2/* > reverse_proxy");
  EXPECT_EQ(route_for(c, "/v1/users"), "handle > reverse_proxy");
  EXPECT_EQ(c.virtual_hosts[0].routes[0].action.proxy->authority, "localhost:9000");
}

}  // namespace
}  // namespace pg::test
