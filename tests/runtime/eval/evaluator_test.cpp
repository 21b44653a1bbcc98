// Template evaluation for a request, on IR compiled from nginx configurations.
#include <gtest/gtest.h>

#include "eval/evaluator.h"
#include "support/nginx_fixture.h"

namespace pg::runtime {
namespace {

ir::RequestView request() {
  ir::RequestView r;
  r.method = "POST";
  r.path = "/api/users";
  r.query = "page=2&Sort=asc";
  r.request_uri = "/api/users?page=2&Sort=asc";
  r.host = "shop.example.com";
  r.scheme = "https";
  r.client_address = "203.0.113.9";
  r.client_port = "51000";
  r.server_port = "443";
  r.server_name = "example.com";
  r.upstream_host = "app_servers";
  r.headers = {{"Host", "shop.example.com:443"},
               {"User-Agent", "curl/7.88"},
               {"X-Forwarded-For", "198.51.100.1"},
               {"X-Forwarded-For", "192.0.2.7"},
               {"Cookie", "a=1; session=xyz"},
               {"Cookie", "theme=dark"}};
  return r;
}

std::string header_value(const ir::Config& c, const std::string& name, ir::RequestView r) {
  Evaluator ev(c);
  for (const auto& op : test::route_named(c, "location /").request_headers)
    if (op.name == name) return ev.eval(op.value, r);
  ADD_FAILURE() << "no header " << name;
  return {};
}

TEST(Evaluator, Variables) {
  auto c = test::http(R"(
    server { location / { proxy_pass http://127.0.0.1:1;
      proxy_set_header A "$scheme://$host:$server_port$request_uri";
      proxy_set_header B "$remote_addr:$remote_port $request_method $uri$is_args$args";
      proxy_set_header C "$http_user_agent|$http_host|$cookie_session|$cookie_theme|$arg_sort|$arg_none|";
      proxy_set_header D $proxy_add_x_forwarded_for;
      proxy_set_header E $proxy_host;
    } }
  )");
  auto r = request();
  EXPECT_EQ(header_value(c, "A", r), "https://shop.example.com:443/api/users?page=2&Sort=asc");
  EXPECT_EQ(header_value(c, "B", r), "203.0.113.9:51000 POST /api/users?page=2&Sort=asc");
  EXPECT_EQ(header_value(c, "C", r), "curl/7.88|shop.example.com:443|xyz|dark|asc||");
  EXPECT_EQ(header_value(c, "D", r), "198.51.100.1, 192.0.2.7, 203.0.113.9");
  EXPECT_EQ(header_value(c, "E", r), "app_servers");
  r.query.clear();
  r.headers.clear();
  EXPECT_EQ(header_value(c, "D", r), "203.0.113.9");
  EXPECT_EQ(header_value(c, "B", r), "203.0.113.9:51000 POST /api/users");
}

TEST(Evaluator, HostFallsBackToServerName) {
  auto c = test::http("server { location / { proxy_pass http://127.0.0.1:1; proxy_set_header H $host; } }");
  auto r = request();
  r.host.clear();
  EXPECT_EQ(header_value(c, "H", r), "example.com");
}

TEST(Evaluator, MapsInNginxOrder) {
  auto c = test::http(R"(
    map $http_host $site {
      hostnames;
      default other;
      Shop.Example.com exact;
      *.example.com wildcard;
      *.eu.example.com longer-wildcard;
      www.example.* suffix;
      ~^(?<tenant>[a-z]+)\.saas\.io$ tenant-$tenant;
    }
    map $site $chained { default none; exact yes; }
    server { location / { proxy_pass http://127.0.0.1:1; proxy_set_header S $site; proxy_set_header T $chained; } }
  )");
  auto r = request();
  auto with_host = [&](const std::string& h) {
    auto x = r;
    x.headers = {{"Host", h}};
    return header_value(c, "S", x);
  };
  EXPECT_EQ(with_host("shop.example.com"), "exact");  // strings ignore case
  EXPECT_EQ(with_host("api.example.com"), "wildcard");
  EXPECT_EQ(with_host("a.eu.example.com"), "longer-wildcard");
  EXPECT_EQ(with_host("www.example.org"), "suffix");
  EXPECT_EQ(with_host("acme.saas.io"), "tenant-acme");
  EXPECT_EQ(with_host("example.net"), "other");
  auto x = r;
  x.headers = {{"Host", "SHOP.example.com"}};
  EXPECT_EQ(header_value(c, "T", x), "yes");
}

TEST(Evaluator, RegexCaptures) {
  auto c = test::http(
      "server { server_name \"~^(?<name>.+)$\"; location / { proxy_pass http://127.0.0.1:1; "
      "proxy_set_header X \"$1-$2-$name\"; } }");
  auto r = request();
  r.captures = {"whole", "one", "two"};
  r.named_captures = {{"name", "n"}};
  EXPECT_EQ(header_value(c, "X", r), "one-two-n");
}

}  // namespace
}  // namespace pg::runtime
