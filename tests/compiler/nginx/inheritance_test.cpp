// nginx's inheritance http -> server -> location (-> nested location): scalar settings
// come from the nearest level that sets them; array directives (proxy_set_header,
// add_header, error_page, allow/deny, access_log) are inherited whole, and only by a
// level that has none of its own.
#include <gtest/gtest.h>

#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

std::vector<std::string> names(const std::vector<ir::HeaderOp>& ops) {
  std::vector<std::string> out;
  for (const auto& h : ops) out.push_back(h.name);
  return out;
}

TEST(Inheritance, ScalarsFromTheNearestLevel) {
  auto c = http(R"(
    proxy_read_timeout 10s;
    proxy_connect_timeout 2s;
    server {
      proxy_read_timeout 20s;
      location /a/ { proxy_pass http://127.0.0.1:1; }
      location /b/ {
        proxy_read_timeout 30s;
        proxy_pass http://127.0.0.1:1;
        location /b/c/ { proxy_pass http://127.0.0.1:1; }
      }
    }
  )");
  EXPECT_EQ(route_named(c, "location /a/").action.proxy->timeouts.read_ms, 20000);
  EXPECT_EQ(route_named(c, "location /a/").action.proxy->timeouts.connect_ms, 2000);
  EXPECT_EQ(route_named(c, "location /b/").action.proxy->timeouts.read_ms, 30000);
  EXPECT_EQ(route_named(c, "location /b/c/").action.proxy->timeouts.read_ms, 30000);
}

TEST(Inheritance, ProxySetHeaderOnlyWhenTheLevelHasNone) {
  auto c = http(R"(
    proxy_set_header X-From http;
    server {
      location /inherits/ { proxy_pass http://127.0.0.1:1; }
      location /own/ { proxy_set_header X-Own 1; proxy_pass http://127.0.0.1:1; }
    }
    server {
      proxy_set_header X-Server 1;
      location / { proxy_pass http://127.0.0.1:1; }
    }
  )");
  auto in = names(route_named(c, "location /inherits/").request_headers);
  EXPECT_EQ(in.front(), "X-From");
  auto own = names(route_named(c, "location /own/").request_headers);
  EXPECT_EQ(own.front(), "X-Own");
  EXPECT_EQ(std::count(own.begin(), own.end(), "X-From"), 0);  // not merged: replaced
  auto srv = names(route_named(c, "location /", 1).request_headers);
  EXPECT_EQ(srv.front(), "X-Server");
  EXPECT_EQ(std::count(srv.begin(), srv.end(), "X-From"), 0);
}

TEST(Inheritance, DefaultsFillWhatTheConfiguredHeadersDoNotName) {
  auto c = http(R"(
    server { location / { proxy_set_header Host $host; proxy_set_header Connection ""; proxy_pass http://127.0.0.1:1; } }
  )");
  auto h = names(route_named(c, "location /").request_headers);
  EXPECT_EQ(h, (std::vector<std::string>{"Host", "Connection", "TE", "Keep-Alive", "Expect", "Upgrade"}));
}

TEST(Inheritance, AddHeaderArrays) {
  auto c = http(R"(
    add_header X-Http 1;
    server {
      add_header X-Server 1;
      location /a/ { return 200; }
      location /b/ { add_header X-Loc 1; return 200; }
    }
    server { location / { return 200; } }
  )");
  EXPECT_EQ(names(route_named(c, "location /a/").response_headers), std::vector<std::string>{"X-Server"});
  EXPECT_EQ(names(route_named(c, "location /b/").response_headers), std::vector<std::string>{"X-Loc"});
  EXPECT_EQ(names(route_named(c, "location /", 1).response_headers), std::vector<std::string>{"X-Http"});
}

TEST(Inheritance, ErrorPagesAndAccessRules) {
  auto c = http(R"(
    error_page 404 /404.html;
    allow 10.0.0.0/8;
    deny all;
    server {
      location /a/ { return 200; }
      location /b/ { error_page 500 /500.html; allow all; return 200; }
    }
  )");
  const auto& a = route_named(c, "location /a/");
  ASSERT_EQ(a.error_pages.size(), 1u);
  EXPECT_EQ(a.error_pages[0].codes, std::vector<int>{404});
  EXPECT_EQ(a.access.size(), 2u);
  const auto& b = route_named(c, "location /b/");
  ASSERT_EQ(b.error_pages.size(), 1u);
  EXPECT_EQ(b.error_pages[0].codes, std::vector<int>{500});
  ASSERT_EQ(b.access.size(), 1u);
  EXPECT_TRUE(b.access[0].allow);
}

TEST(Inheritance, NestedLocationsInheritFromTheEnclosingLocation) {
  auto c = http(R"(
    server {
      location /api/ {
        proxy_http_version 1.1;
        proxy_set_header X-Api 1;
        add_header X-Api-Resp 1;
        proxy_pass http://127.0.0.1:1;
        location /api/v2/ { proxy_pass http://127.0.0.1:2; }
      }
    }
  )");
  const auto& r = route_named(c, "location /api/v2/");
  EXPECT_EQ(r.action.proxy->protocol, ir::UpstreamProtocol::http1_1);
  EXPECT_EQ(names(r.request_headers).front(), "X-Api");
  EXPECT_EQ(names(r.response_headers), std::vector<std::string>{"X-Api-Resp"});
  EXPECT_EQ(r.action.proxy->pool, "127.0.0.1:2");  // proxy_pass itself is not inherited
}

TEST(Inheritance, ProxyPassIsNotInherited) {
  auto r = compile_nginx(R"(events {} http { server {
    location /a/ { proxy_pass http://127.0.0.1:1; location /a/b/ { } } } })");
  ASSERT_TRUE(r.config) << r.errors();
  EXPECT_EQ(route_named(*r.config, "location /a/b/").action.kind, ir::ActionKind::static_files);
}

TEST(Inheritance, TlsSettingsFromHttp) {
  auto c = http(R"(
    ssl_certificate a.pem; ssl_certificate_key a.key; ssl_protocols TLSv1.3;
    server { listen 443 ssl; }
    server { listen 444 ssl; ssl_certificate b.pem; ssl_certificate_key b.key; }
  )");
  EXPECT_EQ(c.virtual_hosts[0].tls->certificates[0].certificate, "a.pem");
  EXPECT_EQ(c.virtual_hosts[0].tls->protocols, std::vector<std::string>{"TLSv1.3"});
  EXPECT_EQ(c.virtual_hosts[1].tls->certificates[0].certificate, "b.pem");
  EXPECT_EQ(c.virtual_hosts[1].tls->protocols, std::vector<std::string>{"TLSv1.3"});
}

TEST(Inheritance, ServerFallbackCarriesServerSettings) {
  auto c = http(R"(
    server { add_header X-S 1; client_max_body_size 5m; location /a/ { return 200; } }
  )");
  const auto& f = c.virtual_hosts[0].fallback;
  EXPECT_EQ(f.action.kind, ir::ActionKind::static_files);
  EXPECT_EQ(names(f.response_headers), std::vector<std::string>{"X-S"});
  EXPECT_EQ(f.limits.max_body_bytes, 5 * 1024 * 1024);
}

}  // namespace
}  // namespace pg::test
