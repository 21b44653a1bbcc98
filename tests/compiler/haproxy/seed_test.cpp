// The guide's HAProxy example (../shared/examples/seed/haproxy.cfg), read back from the IR.
#include <gtest/gtest.h>

#include <unistd.h>

#include "compile.h"
#include "support/haproxy_fixture.h"

namespace pg::test {
namespace {

TEST(SeedHaproxy, MeansWhatTheGuideSays) {
  ASSERT_EQ(::chdir(PROXYGLOT_SOURCE_DIR), 0);
  CompileResult r = compile_config("../shared/examples/seed/haproxy.cfg", std::nullopt);
  ASSERT_TRUE(r.config) << r.diags.to_string();
  const ir::Config& c = *r.config;
  EXPECT_EQ(c.globals.worker_connections, 50000);

  ASSERT_EQ(c.pools.size(), 3u);
  const auto& app = c.pools[0];
  EXPECT_EQ(app.name, "app_servers");
  EXPECT_EQ(app.balancing.policy, ir::Balance::round_robin);
  ASSERT_EQ(app.servers.size(), 3u);
  EXPECT_TRUE(app.servers[2].backup);
  ASSERT_TRUE(app.health_check);
  EXPECT_EQ(app.health_check->interval_ms, 10000);
  EXPECT_EQ(app.health_check->uri, "/healthz");
  EXPECT_EQ(app.health_check->headers, (std::vector<std::pair<std::string, std::string>>{{"Host", "example.com"}}));
  EXPECT_EQ(app.health_check->expect_status, std::vector<int>{200});
  EXPECT_EQ(app.keepalive.max_idle, 0);  // option http-server-close
  const auto& api = c.pools[1];
  EXPECT_EQ(api.balancing.policy, ir::Balance::least_conn);
  EXPECT_EQ(api.health_check->interval_ms, 2000);  // `check` alone: 2 s, rise 2, fall 3
  EXPECT_EQ(api.health_check->rise, 2);
  EXPECT_EQ(api.health_check->fall, 3);
  EXPECT_FALSE(c.pools[2].health_check.has_value());

  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_TRUE(c.listeners[1].tls);
  const auto& vh = c.virtual_hosts.at(0);
  ir::RequestView ws;
  ws.path = "/chat";
  ws.headers = {{"Upgrade", "WebSocket"}};
  EXPECT_EQ(route_for_request(c, ws), "use_backend ws_servers if is_ws");
  EXPECT_EQ(route_for(c, "/api/users"), "use_backend api_servers if is_api");
  EXPECT_EQ(route_for(c, "/"), "default_backend app_servers");
  const auto& ws_route = vh.routes.at(1);
  EXPECT_EQ(ws_route.action.proxy->timeouts.tunnel_ms, 3600000);
  EXPECT_EQ(ws_route.request_headers.at(0).name, "X-Forwarded-For");
  EXPECT_EQ(ws_route.request_headers.at(0).op, ir::HeaderOpKind::add);
  EXPECT_EQ(vh.fallback.action.respond->status, 503);
}

}  // namespace
}  // namespace pg::test
