// nginx's location precedence, compiled into the IR's first-match route list, shown
// with request paths: each expectation is the location nginx 1.22 picks.
#include <gtest/gtest.h>

#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

ir::Config server(const std::string& locations) {
  return http("server {\nlisten 8080;\n" + locations + "\n}");
}

// The example of nginx.org's "location" documentation.
TEST(RouteOrder, NginxDocumentationExample) {
  auto c = server(R"(
    location = / { return 200 A; }
    location / { return 200 B; }
    location /documents/ { return 200 C; }
    location ^~ /images/ { return 200 D; }
    location ~* \.(gif|jpg|jpeg)$ { return 200 E; }
  )");
  EXPECT_EQ(route_for(c, "/"), "location = /");
  EXPECT_EQ(route_for(c, "/index.html"), "location /");
  EXPECT_EQ(route_for(c, "/documents/document.html"), "location /documents/");
  EXPECT_EQ(route_for(c, "/images/1.gif"), "location ^~ /images/");
  EXPECT_EQ(route_for(c, "/documents/1.jpg"), "location ~* \\.(gif|jpg|jpeg)$");
}

TEST(RouteOrder, ExactBeatsRegexAndPrefix) {
  auto c = server(R"(
    location ~ ^/x$ { return 200; }
    location /x { return 200; }
    location = /x { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/x"), "location = /x");
  EXPECT_EQ(route_for(c, "/xy"), "location /x");
}

TEST(RouteOrder, RegexesInFileOrderFirstMatchWins) {
  auto c = server(R"(
    location ~ ^/a { return 200; }
    location ~ ^/a/b { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/a/b/c"), "location ~ ^/a");
}

TEST(RouteOrder, RegexBeatsLongestPrefixWhichIsRemembered) {
  auto c = server(R"(
    location /a { return 200; }
    location /a/b { return 200; }
    location ~ \.php$ { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/a/b/c"), "location /a/b");
  EXPECT_EQ(route_for(c, "/a/c"), "location /a");
  EXPECT_EQ(route_for(c, "/a/b/x.php"), "location ~ \\.php$");
  EXPECT_EQ(route_for(c, "/other"), "fallback");
}

TEST(RouteOrder, CaretTildeStopsTheRegexSearch) {
  auto c = server(R"(
    location ^~ /static/ { return 200; }
    location ~ \.css$ { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/static/site.css"), "location ^~ /static/");
  EXPECT_EQ(route_for(c, "/site.css"), "location ~ \\.css$");
}

TEST(RouteOrder, CaretTildeOnlyWhenItIsTheLongestPrefix) {
  auto c = server(R"(
    location ^~ /static/ { return 200; }
    location /static/img/ { return 200; }
    location ~ \.png$ { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/static/img/a.png"), "location ~ \\.png$");
  EXPECT_EQ(route_for(c, "/static/a.png"), "location ^~ /static/");
  EXPECT_EQ(route_for(c, "/static/img/a.txt"), "location /static/img/");
}

TEST(RouteOrder, CaseInsensitiveRegex) {
  auto c = server(R"(
    location ~ \.JPG$ { return 200; }
    location ~* \.PNG$ { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/a.jpg"), "fallback");
  EXPECT_EQ(route_for(c, "/a.JPG"), "location ~ \\.JPG$");
  EXPECT_EQ(route_for(c, "/a.png"), "location ~* \\.PNG$");
}

TEST(RouteOrder, PrefixesAreCaseSensitive) {
  auto c = server("location /Api/ { return 200; }");
  EXPECT_EQ(route_for(c, "/api/x"), "fallback");
  EXPECT_EQ(route_for(c, "/Api/x"), "location /Api/");
}

TEST(RouteOrder, NestedLocationsAreSearchedBeforeOuterRegexes) {
  auto c = server(R"(
    location /a/ {
      location /a/b/ { return 200; }
      location ~ \.txt$ { return 200; }
      return 200;
    }
    location ~ \.(txt)$ { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/a/q"), "location /a/");
  EXPECT_EQ(route_for(c, "/a/b/x"), "location /a/b/");
  EXPECT_EQ(route_for(c, "/a/x.txt"), "location ~ \\.txt$");
  EXPECT_EQ(route_for(c, "/a/b/x.txt"), "location ~ \\.txt$");
  EXPECT_EQ(route_for(c, "/z.txt"), "location ~ \\.(txt)$");
}

TEST(RouteOrder, NestedCaretTildeBlocksOnlyItsOwnLevel) {
  auto c = server(R"(
    location /a/ {
      location ^~ /a/b/ { return 200; }
      return 200;
    }
    location ~ \.txt$ { return 200; }
  )");
  // The outer level's longest prefix /a/ is not ^~, so its regexes still apply.
  EXPECT_EQ(route_for(c, "/a/b/x.txt"), "location ~ \\.txt$");
  EXPECT_EQ(route_for(c, "/a/b/x"), "location ^~ /a/b/");
}

TEST(RouteOrder, NestedInsideCaretTildeStillSearched) {
  auto c = server(R"(
    location ^~ /s/ {
      location ~ \.js$ { return 200; }
      return 200;
    }
    location ~ \.js$ { return 404; }
  )");
  EXPECT_EQ(route_for(c, "/s/a.js"), "location ~ \\.js$");
  EXPECT_EQ(route_named(c, "location ~ \\.js$").action.respond->status, 200);
  EXPECT_EQ(route_for(c, "/s/a.css"), "location ^~ /s/");
}

TEST(RouteOrder, NestedChildrenApplyOnlyWhenTheirParentIsLongest) {
  auto c = server(R"(
    location /a {
      location /a/bb { return 200; }
      return 200;
    }
    location /a/b { return 200; }
  )");
  // /a/b is the longest match at the server level: /a's children are never searched.
  EXPECT_EQ(route_for(c, "/a/bb"), "location /a/b");
  EXPECT_EQ(route_for(c, "/a/c"), "location /a");
}

TEST(RouteOrder, RegexLocationChildren) {
  auto c = server(R"(
    location ~ ^/api/ {
      location ~ /health$ { return 204; }
      return 200;
    }
  )");
  EXPECT_EQ(route_for(c, "/api/health"), "location ~ /health$");
  EXPECT_EQ(route_for(c, "/api/x"), "location ~ ^/api/");
  EXPECT_EQ(route_for(c, "/health"), "fallback");
}

TEST(RouteOrder, ProxiedPrefixWithSlashRedirectsTheBareName) {
  auto c = server(R"(
    location /app/ { proxy_pass http://127.0.0.1:9000; }
    location / { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/app"), "location /app/ (redirect to add its trailing slash)");
  const auto& r = route_named(c, "location /app/ (redirect to add its trailing slash)");
  EXPECT_EQ(r.action.kind, ir::ActionKind::redirect);
  EXPECT_EQ(r.action.redirect->status, 301);
  EXPECT_EQ(render(r.action.redirect->location), "/app/${query_mark}${query}");
  EXPECT_EQ(route_for(c, "/app/x"), "location /app/");
  EXPECT_EQ(route_for(c, "/apple"), "location /");
}

TEST(RouteOrder, NoRedirectWhenTheBareNameIsALocation) {
  auto c = server(R"(
    location /app/ { proxy_pass http://127.0.0.1:9000; }
    location = /app { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/app"), "location = /app");
}

TEST(RouteOrder, InternalLocationsAreNotReachableFromClients) {
  auto c = server(R"(
    location = /oops { internal; return 500; }
    location / { return 200; }
  )");
  // An internal location still wins the selection; clients then get 404 (fallback
  // here means: not served by a route).
  EXPECT_EQ(route_for(c, "/oops"), "fallback");
  EXPECT_TRUE(route_named(c, "location = /oops").internal);
}

TEST(RouteOrder, NamedLocationsAreNotMatched) {
  auto c = server(R"(
    location @fallback { proxy_pass http://127.0.0.1:9000; }
    location / { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/@fallback"), "location /");
  ASSERT_EQ(c.virtual_hosts[0].named_routes.size(), 1u);
  EXPECT_EQ(c.virtual_hosts[0].named_routes[0].name, "location @fallback");
}

TEST(RouteOrder, OrderIsLongestPrefixFirstRegardlessOfFileOrder) {
  auto c = server(R"(
    location / { return 200; }
    location /a/ { return 200; }
    location /a/b/c/ { return 200; }
    location /a/b/ { return 200; }
  )");
  EXPECT_EQ(route_for(c, "/a/b/c/d"), "location /a/b/c/");
  EXPECT_EQ(route_for(c, "/a/b/x"), "location /a/b/");
  EXPECT_EQ(route_for(c, "/a/x"), "location /a/");
  EXPECT_EQ(route_for(c, "/x"), "location /");
}

}  // namespace
}  // namespace pg::test
