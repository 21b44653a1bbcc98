// When a pool's "no server" status can ever be sent: only where something can take
// every usable server out.
#include <gtest/gtest.h>

#include "ir/pool_run_out.h"

namespace pg::test {
namespace {

ir::UpstreamServer server(int max_fails, int64_t fail_timeout_ms = 10000) {
  ir::UpstreamServer s;
  s.address = "127.0.0.1";
  s.port = 8080;
  s.max_fails = max_fails;
  s.fail_timeout_ms = fail_timeout_ms;
  return s;
}

TEST(PoolRunOut, FailureAccountingChecksAndLimitsCanTakeEveryServerOut) {
  ir::Pool nginx;  // nginx's defaults: max_fails 1, fail_timeout 10s
  nginx.servers = {server(1)};
  EXPECT_TRUE(ir::pool_can_run_out(nginx));

  ir::Pool caddy;  // no passive accounting, no checks: never out
  caddy.servers = {server(0), server(0)};
  EXPECT_FALSE(ir::pool_can_run_out(caddy));

  ir::Pool checked = caddy;
  checked.health_check = ir::HealthCheck{};
  EXPECT_TRUE(ir::pool_can_run_out(checked));

  ir::Pool limited = caddy;
  limited.servers[1].max_conns = 10;
  EXPECT_TRUE(ir::pool_can_run_out(limited));

  ir::Pool no_window = caddy;  // failures counted over no time take nothing out
  no_window.servers = {server(3, 0)};
  EXPECT_FALSE(ir::pool_can_run_out(no_window));
}

TEST(PoolRunOut, APoolWithoutAUsableServerIsOutFromTheStart) {
  ir::Pool empty;
  EXPECT_TRUE(ir::pool_can_run_out(empty));

  ir::Pool down;
  down.servers = {server(0)};
  down.servers[0].down = true;
  EXPECT_TRUE(ir::pool_can_run_out(down));
}

}  // namespace
}  // namespace pg::test
