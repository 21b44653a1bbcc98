#include "support/caddy_fixture.h"

#include <gtest/gtest.h>

#include "caddy/lower.h"
#include "ir/route_select.h"

namespace pg::test {

Compiled compile_caddy(std::string_view text, const std::string& name) {
  Compiled c;
  c.config = caddy::compile_text(text, name, c.diags);
  return c;
}

ir::Config caddy(std::string_view text) {
  Compiled c = compile_caddy(text);
  EXPECT_TRUE(c.config.has_value()) << c.errors();
  if (!c.config) return ir::Config{};
  return *c.config;
}

std::string caddy_route_for(const ir::Config& c, const std::string& path, size_t vhost, const std::string& method,
                            std::vector<std::pair<std::string, std::string>> headers, const std::string& query) {
  if (vhost >= c.virtual_hosts.size()) return "no such virtual host";
  const auto& vh = c.virtual_hosts[vhost];
  ir::RouteSelector selector(vh);
  ir::RequestView r;
  r.path = path;
  r.method = method;
  r.headers = std::move(headers);
  r.query = query;
  int i = selector.select(r);
  return i < 0 ? "fallback" : vh.routes[static_cast<size_t>(i)].name;
}

}  // namespace pg::test
