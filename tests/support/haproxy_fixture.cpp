#include "support/haproxy_fixture.h"

#include <gtest/gtest.h>

#include "haproxy/lower.h"

namespace pg::test {

Compiled compile_haproxy(std::string_view text, const std::string& name) {
  Compiled c;
  c.config = haproxy::compile_text(text, name, c.diags);
  return c;
}

ir::Config haproxy(std::string_view body) {
  std::string text = "defaults\n    mode http\n" + std::string(body);
  Compiled c = compile_haproxy(text);
  EXPECT_TRUE(c.config.has_value()) << c.errors();
  if (!c.config) return ir::Config{};
  return *c.config;
}

std::string route_for_request(const ir::Config& c, const ir::RequestView& request, size_t vhost) {
  if (vhost >= c.virtual_hosts.size()) return "no such virtual host";
  const auto& vh = c.virtual_hosts[vhost];
  ir::RouteSelector selector(vh);
  int i = selector.select(request);
  return i < 0 ? "fallback" : vh.routes[static_cast<size_t>(i)].name;
}

std::string haproxy_errors(std::string_view text) { return compile_haproxy(text).errors(); }

}  // namespace pg::test
