// The equivalence behind `proxyglot diff`: what counts, what does not.
#include <gtest/gtest.h>

#include <algorithm>

#include "ir/equivalence.h"
#include "ir/matchers.h"
#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

std::string diff(const std::string& a, const std::string& b) {
  auto ca = compile_nginx(a, "a.conf");
  auto cb = compile_nginx(b, "b.conf");
  EXPECT_TRUE(ca.config && cb.config) << ca.errors() << cb.errors();
  if (!ca.config || !cb.config) return "<errors>";
  return ir::format_differences(ir::compare(*ca.config, *cb.config));
}

const char* kBase = R"(events {}
http {
  upstream app { server 127.0.0.1:8000 weight=2; server 127.0.0.1:8001; }
  server { listen 80; server_name example.com;
    location /api/ { proxy_pass http://app; proxy_read_timeout 60s; proxy_set_header X-A 1; proxy_set_header X-B 2; }
    location / { return 200; }
  }
}
)";

TEST(Equivalence, IdenticalConfigs) { EXPECT_EQ(diff(kBase, kBase), ""); }

TEST(Equivalence, NamesOrderLocationsAndUnitsDoNotCount) {
  const char* b = R"(events {}
http {
  # comments and layout move every line
  upstream backend {
    server 127.0.0.1:8001;
    server 127.0.0.1:8000 weight=2;
  }
  server {
    server_name example.com;
    listen 80;
    location / { return 200; }
    location /api/ {
      proxy_set_header X-B 2;
      proxy_set_header X-A 1;
      proxy_read_timeout 1m;
      proxy_pass http://backend;
    }
  }
}
)";
  EXPECT_EQ(diff(kBase, b), "");
}

TEST(Equivalence, WeightDifferenceNamesBothLines) {
  std::string b = kBase;
  b.replace(b.find("weight=2"), 8, "weight=3");
  EXPECT_EQ(diff(kBase, b),
            "a.conf:3: virtual host example.com on 0.0.0.0:80: route path_prefix(/api/): "
            "action.proxy.pool.servers.127.0.0.1:8000.weight 2 vs b.conf:3: 3\n");
}

TEST(Equivalence, RouteMatcherChangeIsOneLine) {
  std::string b = kBase;
  b.replace(b.find("location /api/"), 14, "location /api");
  std::string d = diff(kBase, b);
  // The auto-redirect route for "/api" exists only in A; the prefix route changed.
  EXPECT_NE(d.find("a.conf:5: virtual host example.com on 0.0.0.0:80: route path_exact(/api) only in A: redirect\n"),
            std::string::npos) << d;
  EXPECT_NE(d.find("a.conf:5: virtual host example.com on 0.0.0.0:80: route path_prefix(/api/) vs b.conf:5: "
                   "path_prefix(/api)\n"),
            std::string::npos) << d;
  EXPECT_EQ(std::count(d.begin(), d.end(), '\n'), 2) << d;
}

TEST(Equivalence, HeaderValueAndTimeout) {
  std::string b = kBase;
  b.replace(b.find("X-B 2"), 5, "X-B 3");
  b.replace(b.find("60s"), 3, "30s");
  std::string d = diff(kBase, b);
  EXPECT_NE(d.find("request_headers.x-b[0] \"set 2\" vs b.conf:5: \"set 3\""), std::string::npos) << d;
  EXPECT_NE(d.find("action.proxy.timeouts.read_ms 60000 vs b.conf:5: 30000"), std::string::npos) << d;
}

TEST(Equivalence, ActionKindChangeSaysOnlyThat) {
  std::string b = kBase;
  b.replace(b.find("return 200;"), 11, "return 404;");
  EXPECT_EQ(diff(kBase, b),
            "a.conf:6: virtual host example.com on 0.0.0.0:80: route always: action.respond.status 200 vs "
            "b.conf:6: 404\n");
  std::string c = kBase;
  c.replace(c.find("return 200;"), 11, "proxy_pass http://app;");
  EXPECT_EQ(diff(kBase, c),
            "a.conf:6: virtual host example.com on 0.0.0.0:80: route always: action.kind \"respond\" vs "
            "b.conf:6: \"proxy\"\n");
}

TEST(Equivalence, ListenersAndHosts) {
  std::string b = kBase;
  b.replace(b.find("listen 80;"), 10, "listen 8080;");
  std::string d = diff(kBase, b);
  EXPECT_NE(d.find("listener 0.0.0.0:80: only in A"), std::string::npos) << d;
  EXPECT_NE(d.find("listener 0.0.0.0:8080: only in B"), std::string::npos) << d;
  EXPECT_NE(d.find("virtual host example.com on 0.0.0.0:80: only in A"), std::string::npos) << d;
}

TEST(Equivalence, RouteOrderCounts) {
  const char* a = "events {} http { server { location ~ a { return 200; } location ~ b { return 201; } } }";
  const char* b = "events {} http { server { location ~ b { return 201; } location ~ a { return 200; } } }";
  EXPECT_NE(diff(a, b), "");
}

std::string diff_ir(const ir::Config& a, const ir::Config& b) { return ir::format_differences(ir::compare(a, b)); }

ir::Route& route_at(ir::Config& c, const std::string& name) {
  for (auto& r : c.virtual_hosts[0].routes)
    if (r.name == name) return r;
  ADD_FAILURE() << "no route " << name;
  return c.virtual_hosts[0].routes[0];
}

// HAProxy's forwardfor (the client address as a line of its own after the client's
// X-Forwarded-For) is nginx's $proxy_add_x_forwarded_for: list fields combine with ", ".
TEST(Equivalence, AppendedForwardedForLineIsProxyAddXForwardedFor) {
  ir::Config a = http(R"(server { listen 80; location / { proxy_pass http://127.0.0.1:8000;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; } })");
  ir::Config b = a;
  for (auto& op : route_at(b, "location /").request_headers)
    if (op.name == "X-Forwarded-For") {
      op.op = ir::HeaderOpKind::add;
      op.value = ir::Template{{{ir::Var::client_address, ""}}};
    }
  EXPECT_EQ(diff_ir(a, b), "");
  // Only when absent (forwardfor if-none) is something else.
  for (auto& op : route_at(b, "location /").request_headers)
    if (op.name == "X-Forwarded-For") op.op = ir::HeaderOpKind::add_if_absent;
  EXPECT_NE(diff_ir(a, b), "");
}

// A location's access list is the route refusing the clients it denies, before the route.
TEST(Equivalence, AccessListIsARefusalRouteBeforeTheRoute) {
  ir::Config a = http(R"(server { listen 80;
    location /admin/ { allow 10.0.0.0/8; deny all; proxy_pass http://127.0.0.1:8000; }
    location / { proxy_pass http://127.0.0.1:8000; } })");
  ir::Config b = a;
  auto& routes = b.virtual_hosts[0].routes;
  ir::Route& admin = route_at(b, "location /admin/");
  ir::Route refuse = admin;
  admin.access.clear();
  refuse.access.clear();
  refuse.match = ir::all_of({ir::pred(ir::PredKind::path_prefix, "/admin/"),
                             ir::negate(ir::pred(ir::PredKind::client_cidr, "10.0.0.0/8"))});
  refuse.action = ir::Action{};
  refuse.action.kind = ir::ActionKind::respond;
  refuse.action.respond = ir::RespondAction{403, std::nullopt};
  refuse.request_headers.clear();
  // The proxy route for /admin/ does what the next one does: it may go too.
  for (size_t i = 0; i < routes.size(); ++i)
    if (routes[i].name == "location /admin/") {
      routes[i] = refuse;
      break;
    }
  EXPECT_EQ(diff_ir(a, b), "");
  route_at(b, "location /admin/").match.children[1].children[0].predicate->value = "10.0.0.0/16";
  EXPECT_NE(diff_ir(a, b), "");
}

// nginx's "error_page 502 =503 @x" with @x answering 503 is a proxy failing with 503.
TEST(Equivalence, ErrorPageSettingTheStatusIsTheProxysFailureStatus) {
  ir::Config a = http(R"(server { listen 80;
    location / { proxy_pass http://127.0.0.1:8000; error_page 502 =503 @down; }
    location @down { internal; return 503; } })");
  ir::Config b = a;
  ir::Route& r = route_at(b, "location /");
  r.error_pages.clear();
  r.action.proxy->no_server_status = r.action.proxy->connect_error_status = 503;
  b.virtual_hosts[0].named_routes.clear();
  EXPECT_EQ(diff_ir(a, b), "");
  r.action.proxy->connect_error_status = 502;
  EXPECT_NE(diff_ir(a, b), "");
}

// Converters are part of a value: $uri is not the path with a regsub.
TEST(Equivalence, ConvertersCount) {
  ir::Config a = http(R"(server { listen 80; location /old/ { return 301 /new/$uri; } })");
  ir::Config b = a;
  auto& parts = route_at(b, "location /old/").action.redirect->location.parts;
  for (auto& p : parts)
    if (p.var == ir::Var::path) p.converters.push_back({"regsub", {"^/old/", ""}});
  EXPECT_NE(diff_ir(a, b), "");
}

// Setting Host to the client's Host (nginx's $http_host) passes it as it came, as a
// route without a Host operation does; so do Upgrade and the usual Connection map.
TEST(Equivalence, ClientsOwnHostAndUpgradePassThrough) {
  ir::Config a = http(R"(map $http_upgrade $connection_upgrade { default upgrade; "" ""; }
    server { listen 80; location / { proxy_pass http://127.0.0.1:8000; proxy_http_version 1.1;
    proxy_set_header Host $http_host; proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade; } })");
  ir::Config b = a;
  b.maps.clear();
  auto& ops = route_at(b, "location /").request_headers;
  ops.erase(std::remove_if(ops.begin(), ops.end(), [](const ir::HeaderOp& op) {
              return op.name == "Host" || op.name == "Upgrade" || op.name == "Connection";
            }),
            ops.end());
  EXPECT_EQ(diff_ir(a, b), "");
  // Another Host is another request.
  ir::Config c = http(R"(server { listen 80; location / { proxy_pass http://127.0.0.1:8000;
    proxy_set_header Host example.com; } })");
  EXPECT_NE(diff_ir(c, b), "");
}

}  // namespace
}  // namespace pg::test
