// The seed's Caddy load-balancing example against equivalents written for nginx and
// HAProxy (tests/diff/lb): `diff` reports exactly where they truly differ. The expected
// reports are reviewed text files; each line is a real difference (see the comments in
// the equivalent configurations).
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "compile.h"
#include "ir/equivalence.h"

namespace pg::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string report(const std::string& a, const std::string& b) {
  EXPECT_EQ(::chdir(PROXYGLOT_SOURCE_DIR), 0);
  CompileResult ca = compile_config(a, std::nullopt);
  CompileResult cb = compile_config(b, std::nullopt);
  EXPECT_TRUE(ca.config && cb.config) << ca.diags.to_string() << cb.diags.to_string();
  if (!ca.config || !cb.config) return "<errors>";
  return ir::format_differences(ir::compare(*ca.config, *cb.config));
}

TEST(CrossDialectDiff, CaddyLoadBalancingVersusNginx) {
  std::string got = report("../shared/examples/seed/lb.Caddyfile", "tests/diff/lb/nginx.conf");
  EXPECT_EQ(got, slurp("tests/diff/lb/caddy-vs-nginx.txt"));
  // The difference the guide names: open-source nginx has no active health checks.
  EXPECT_NE(got.find("action.proxy.pool.health_check {...} vs tests/diff/lb/nginx.conf:"), std::string::npos);
}

TEST(CrossDialectDiff, CaddyLoadBalancingVersusHaproxy) {
  std::string got = report("../shared/examples/seed/lb.Caddyfile", "tests/diff/lb/haproxy.cfg");
  EXPECT_EQ(got, slurp("tests/diff/lb/caddy-vs-haproxy.txt"));
  // Both have active health checks, written to mean the same: no difference there.
  EXPECT_EQ(got.find("health_check"), std::string::npos);
  // The balancing policy and the servers agree too.
  EXPECT_EQ(got.find("balancing"), std::string::npos);
  EXPECT_EQ(got.find("servers."), std::string::npos);
}

TEST(CrossDialectDiff, NginxVersusHaproxy) {
  std::string got = report("tests/diff/lb/nginx.conf", "tests/diff/lb/haproxy.cfg");
  EXPECT_EQ(got, slurp("tests/diff/lb/nginx-vs-haproxy.txt"));
  EXPECT_NE(got.find("action.proxy.pool.health_check null vs tests/diff/lb/haproxy.cfg:"), std::string::npos);
}

}  // namespace
}  // namespace pg::test
