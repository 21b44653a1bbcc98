#include "support/nginx_fixture.h"

#include <gtest/gtest.h>

#include <boost/describe/enum_to_string.hpp>

#include "ir/route_select.h"
#include "nginx/lower.h"

namespace pg::test {

Compiled compile_nginx(std::string_view text, const std::string& name) {
  Compiled c;
  c.config = nginx::compile_text(text, name, c.diags);
  return c;
}

ir::Config http(std::string_view body) {
  std::string text = "events {}\nhttp {\n" + std::string(body) + "\n}\n";
  Compiled c = compile_nginx(text);
  EXPECT_TRUE(c.config.has_value()) << c.errors();
  if (!c.config) return ir::Config{};
  return *c.config;
}

std::string route_for(const ir::Config& c, const std::string& path, size_t vhost) {
  if (vhost >= c.virtual_hosts.size()) return "no such virtual host";
  const auto& vh = c.virtual_hosts[vhost];
  ir::RouteSelector selector(vh);
  ir::RequestView r;
  r.path = path;
  int i = selector.select(r);
  return i < 0 ? "fallback" : vh.routes[static_cast<size_t>(i)].name;
}

const ir::Route& route_named(const ir::Config& c, const std::string& name, size_t vhost) {
  static const ir::Route none;
  if (vhost >= c.virtual_hosts.size()) return none;
  for (const auto& r : c.virtual_hosts[vhost].routes)
    if (r.name == name) return r;
  for (const auto& r : c.virtual_hosts[vhost].named_routes)
    if (r.name == name) return r;
  ADD_FAILURE() << "no route named " << name;
  return none;
}

std::string render(const ir::Template& t) {
  std::string out;
  for (const auto& p : t.parts) {
    if (p.var == ir::Var::literal) {
      out += p.value;
      continue;
    }
    out += "${";
    out += boost::describe::enum_to_string(p.var, "?");
    if (!p.value.empty()) out += ":" + p.value;
    out += "}";
  }
  return out;
}

}  // namespace pg::test
