// Caddy's directive order and handle sorting, compiled into the IR's first-match
// routes, shown with request paths through ir::RouteSelector. The expected orders are
// those `caddy adapt` (2.6.2) prints for the same Caddyfiles.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ir/route_select.h"
#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

std::vector<std::string> names(const ir::Config& c, size_t vhost = 0) {
  std::vector<std::string> out;
  for (const auto& r : c.virtual_hosts.at(vhost).routes) out.push_back(r.name);
  return out;
}

TEST(CaddyRouteOrder, HandleBlocksSortByPathLengthThenWrittenOrder) {
  auto c = caddy(":8080 {\n\t@api path /api*\n\thandle {\n\t\trespond all\n\t}\n\thandle @api {\n\t\trespond api\n\t}\n"
                 "\thandle /foo* {\n\t\trespond foo*\n\t}\n\thandle /foo {\n\t\trespond foo\n\t}\n"
                 "\thandle /foobar/* {\n\t\trespond foobar\n\t}\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{
                          "handle /foobar/* > respond", "handle @api > respond", "handle /foo* > respond",
                          "handle /foo > respond", "handle > respond"}));
  // /foo* is longer than /foo, so it is tried first and also answers /foo.
  EXPECT_EQ(caddy_route_for(c, "/foo"), "handle /foo* > respond");
  EXPECT_EQ(caddy_route_for(c, "/foobar/x"), "handle /foobar/* > respond");
  EXPECT_EQ(caddy_route_for(c, "/API/v1"), "handle @api > respond");
  EXPECT_EQ(caddy_route_for(c, "/elsewhere"), "handle > respond");
}

TEST(CaddyRouteOrder, MatchersWithoutPathKeepWrittenOrderAheadOfNoMatcher) {
  // A matcher without a path compares equal to one with a path: @get stays first
  // although /z has a path (caddy adapt prints get, two, z, all).
  auto c = caddy(":8080 {\n\t@get method GET\n\t@two path /a /bb\n\thandle {\n\t\trespond all\n\t}\n"
                 "\thandle @get {\n\t\trespond get\n\t}\n\thandle @two {\n\t\trespond two\n\t}\n"
                 "\thandle /z {\n\t\trespond z\n\t}\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"handle @get > respond", "handle @two > respond",
                                                "handle /z > respond", "handle > respond"}));
  EXPECT_EQ(caddy_route_for(c, "/z", 0, "GET"), "handle @get > respond");
  EXPECT_EQ(caddy_route_for(c, "/z", 0, "POST"), "handle /z > respond");
}

TEST(CaddyRouteOrder, PathlessMatcherBetweenPathsStaysWhereWritten) {
  auto c = caddy(":8080 {\n\t@get method GET\n\thandle /a {\n\t\trespond a\n\t}\n\thandle @get {\n\t\trespond get\n\t}\n"
                 "\thandle /bbbb {\n\t\trespond b\n\t}\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"handle /a > respond", "handle @get > respond",
                                                "handle /bbbb > respond"}));
  EXPECT_EQ(caddy_route_for(c, "/bbbb", 0, "GET"), "handle @get > respond");
}

TEST(CaddyRouteOrder, HandleAndHandlePathFormOneSortedGroup) {
  // caddy adapt: handle /bbbbbb/* before handle_path /a/*, whatever the written order.
  auto c = caddy(":8080 {\n\thandle_path /a/* {\n\t\trespond a\n\t}\n\thandle /bbbbbb/* {\n\t\trespond b\n\t}\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"handle /bbbbbb/* > respond", "handle_path /a/* > respond"}));
}

TEST(CaddyRouteOrder, AHandleThatDoesNotAnswerSkipsTheRestOfItsGroup) {
  auto c = caddy(":8080 {\n\thandle /api/* {\n\t\trespond /api/v1/* v1\n\t}\n\thandle {\n\t\trespond other\n\t}\n"
                 "\treverse_proxy x:1\n}\n");
  EXPECT_EQ(caddy_route_for(c, "/api/v1/a"), "handle /api/* > respond /api/v1/*");
  // /api/v2 entered handle /api/* and nothing there answered: Caddy goes on after
  // the group (reverse_proxy), never into the catch-all handle.
  EXPECT_EQ(caddy_route_for(c, "/api/v2"), "reverse_proxy");
  EXPECT_EQ(caddy_route_for(c, "/home"), "handle > respond");
}

TEST(CaddyRouteOrder, DirectiveOrderNotWrittenOrder) {
  auto c = caddy(":8080 {\n\treverse_proxy x:1\n\trespond /health 200\n\tredir /old /new\n\thandle /h* {\n\t\trespond h\n\t}\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"redir /old", "handle /h* > respond", "respond /health",
                                                "reverse_proxy"}));
  EXPECT_EQ(caddy_route_for(c, "/health"), "handle /h* > respond");
  EXPECT_EQ(caddy_route_for(c, "/old"), "redir /old");
  EXPECT_EQ(caddy_route_for(c, "/x"), "reverse_proxy");
}

TEST(CaddyRouteOrder, MoreThanTwentyHandlesSortLikeGosStableSort) {
  // 27 handle blocks mixing path lengths, path-less and no matchers: past Go's
  // insertion-sort block of 20 the comparison's ties make only SymMerge give Caddy's
  // order. Expected: the bodies in the order `caddy adapt` 2.6.2 prints them.
  std::ifstream in(std::string(PROXYGLOT_SOURCE_DIR) + "/tests/compiler/caddy/data/sort-27-handles.Caddyfile");
  std::stringstream text;
  text << in.rdbuf();
  auto c = caddy(text.str());
  std::string order;
  for (const auto& r : c.virtual_hosts.at(0).routes) order += render(*r.action.respond->body) + " ";
  EXPECT_EQ(order, "h0 h3 h1 h2 h4 h5 h25 h21 h6 h22 h23 h8 h9 h7 h10 h11 h13 h15 h17 h14 h16 h18 h12 h19 h20 h24 h26 ");
}

TEST(CaddyRouteOrder, RouteBlocksKeepWrittenOrder) {
  auto c = caddy(":8080 {\n\troute {\n\t\treverse_proxy /api* x:1\n\t\trespond /api/v1* v1\n\t\trespond other\n\t}\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"route > reverse_proxy /api*", "route > respond /api/v1*",
                                                "route > respond"}));
  EXPECT_EQ(caddy_route_for(c, "/api/v1/x"), "route > reverse_proxy /api*");
}

TEST(CaddyRouteOrder, NestedHandleBlocksAndInnerSorting) {
  auto c = caddy(":8080 {\n\thandle /api/* {\n\t\thandle /api/v2/* {\n\t\t\trespond v2\n\t\t}\n"
                 "\t\treverse_proxy x:1\n\t\trespond /api/ping pong\n\t}\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"handle /api/* > handle /api/v2/* > respond",
                                                "handle /api/* > respond /api/ping", "handle /api/* > reverse_proxy"}));
  EXPECT_EQ(caddy_route_for(c, "/api/ping"), "handle /api/* > respond /api/ping");
  EXPECT_EQ(caddy_route_for(c, "/API/V2/x"), "handle /api/* > handle /api/v2/* > respond");
  EXPECT_EQ(caddy_route_for(c, "/other"), "fallback");
}

TEST(CaddyRouteOrder, PathMatchingIsCaseInsensitiveAndExactUnlessWildcard) {
  auto c = caddy(":8080 {\n\t@php path *.php\n\trespond /exact e\n\trespond /pre* p\n\trespond @php php\n"
                 "\trespond /a/*/b mid\n}\n");
  EXPECT_EQ(caddy_route_for(c, "/EXACT"), "respond /exact");
  EXPECT_EQ(caddy_route_for(c, "/exact/"), "fallback");
  EXPECT_EQ(caddy_route_for(c, "/PREfix"), "respond /pre*");
  EXPECT_EQ(caddy_route_for(c, "/x/INDEX.PHP"), "respond @php");
  EXPECT_EQ(caddy_route_for(c, "/a/x/b"), "respond /a/*/b");
  EXPECT_EQ(caddy_route_for(c, "/a/x/y/b"), "fallback");
  const auto& pred = *c.virtual_hosts[0].routes[0].match.predicate;
  EXPECT_EQ(pred.kind, ir::PredKind::path_exact);
  EXPECT_TRUE(pred.case_insensitive);
}

TEST(CaddyRouteOrder, MiddlewareAppliesToTheRoutesAfterIt) {
  auto c = caddy(":8080 {\n\treverse_proxy x:1\n\theader X-Site yes\n\trequest_header X-In 1\n}\n");
  const auto& r = c.virtual_hosts[0].routes.at(0);
  ASSERT_EQ(r.response_headers.size(), 1u);
  EXPECT_EQ(r.response_headers[0].name, "X-Site");
  EXPECT_EQ(r.request_headers.front().name, "X-In");  // before the proxy's own headers
  EXPECT_EQ(c.virtual_hosts[0].fallback.response_headers.size(), 1u);
}

TEST(CaddyRouteOrder, MatchedMiddlewareSplitsTheRoute) {
  auto c = caddy(":8080 {\n\theader /static/* Cache-Control max-age=3600\n\treverse_proxy x:1\n}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"reverse_proxy", "reverse_proxy"}));
  const auto& with = c.virtual_hosts[0].routes[0];
  const auto& without = c.virtual_hosts[0].routes[1];
  EXPECT_EQ(with.response_headers.size(), 1u);
  EXPECT_TRUE(without.response_headers.empty());
  ir::RouteSelector sel(c.virtual_hosts[0]);
  ir::RequestView req;
  req.path = "/static/a.css";
  EXPECT_EQ(sel.select(req), 0);
  req.path = "/index.html";
  EXPECT_EQ(sel.select(req), 1);
}

TEST(CaddyRouteOrder, SiteRewritesRunBeforeRouteSelection) {
  auto c = caddy(":8080 {\n\trewrite /old /new\n\turi strip_prefix /app\n\thandle /new {\n\t\trespond new\n\t}\n}\n");
  const auto& rw = c.virtual_hosts[0].rewrites;
  ASSERT_EQ(rw.size(), 2u);
  EXPECT_EQ(rw[0].regex, "(?i)^/old$");
  EXPECT_EQ(render(rw[0].replacement), "/new");
  EXPECT_TRUE(rw[0].append_query);
  EXPECT_EQ(rw[0].flag, ir::RewriteFlag::continue_);
  EXPECT_EQ(rw[1].regex, "^/app/?(.*)$");
  EXPECT_EQ(render(rw[1].replacement), "/${regex_capture:1}");
}

TEST(CaddyRouteOrder, HandlePathStripsItsPrefixInTheRoute) {
  auto c = caddy(":8080 {\n\thandle_path /api/* {\n\t\treverse_proxy x:1\n\t}\n}\n");
  const auto& r = c.virtual_hosts[0].routes.at(0);
  EXPECT_EQ(r.name, "handle_path /api/* > reverse_proxy");
  ASSERT_EQ(r.rewrites.size(), 1u);
  EXPECT_EQ(r.rewrites[0].regex, "^/api/?(.*)$");  // caddy adapt: strip_path_prefix "/api"
  EXPECT_EQ(r.rewrites[0].flag, ir::RewriteFlag::break_);
  EXPECT_EQ(caddy_route_for(c, "/api/users"), "handle_path /api/* > reverse_proxy");
}

}  // namespace
}  // namespace pg::test
