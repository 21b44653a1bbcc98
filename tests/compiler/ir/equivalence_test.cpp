// The equivalence behind `proxyglot diff`: what counts, what does not.
#include <gtest/gtest.h>

#include "ir/equivalence.h"
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

}  // namespace
}  // namespace pg::test
