// Handler directives other than reverse_proxy, and the matchers.
#include <gtest/gtest.h>

#include "ir/route_select.h"
#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

const ir::Route& first(const ir::Config& c) { return c.virtual_hosts.at(0).routes.at(0); }

TEST(CaddyHandlers, RespondForms) {
  auto a = caddy(":8080 {\n\trespond 404\n}\n");
  EXPECT_EQ(first(a).action.respond->status, 404);
  EXPECT_EQ(render(*first(a).action.respond->body), "");
  auto b = caddy(":8080 {\n\trespond \"404\"\n}\n");  // caddy adapt: quoted too, a status
  EXPECT_EQ(first(b).action.respond->status, 404);
  auto d = caddy(":8080 {\n\trespond \"40x\"\n}\n");
  EXPECT_EQ(render(*first(d).action.respond->body), "40x");
  auto c = caddy(":8080 {\n\trespond \"Hello {remote_host}\" 201\n}\n");
  EXPECT_EQ(render(*first(c).action.respond->body), "Hello ${client_address}");
  EXPECT_EQ(first(c).action.respond->status, 201);
}

TEST(CaddyHandlers, RedirCodes) {
  auto code = [](const std::string& line) {
    auto c = caddy(":8080 {\n\t" + line + "\n}\n");
    return c.virtual_hosts.empty() || c.virtual_hosts[0].routes.empty() ? 0 : first(c).action.redirect->status;
  };
  EXPECT_EQ(code("redir https://x.com{uri}"), 302);
  EXPECT_EQ(code("redir /a /b permanent"), 301);
  EXPECT_EQ(code("redir /a /b temporary"), 302);
  EXPECT_EQ(code("redir /a /b 307"), 307);
  auto c = caddy(":8080 {\n\tredir https://x.com{uri}\n}\n");
  EXPECT_EQ(render(first(c).action.redirect->location), "https://x.com${request_uri}");
}

TEST(CaddyHandlers, HeaderDirectiveForms) {
  auto c = caddy(":8080 {\n\theader {\n\t\t-Server\n\t\t+Link </a.css>\n\t\tX-Frame-Options DENY\n"
                 "\t\tX-Old a b\n\t\tdefer\n\t}\n\theader >X-Late 1\n\trespond x\n}\n");
  const auto& h = first(c).response_headers;
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[0].op, ir::HeaderOpKind::remove);
  EXPECT_EQ(h[1].op, ir::HeaderOpKind::add);
  EXPECT_EQ(h[2].op, ir::HeaderOpKind::set);
  EXPECT_EQ(h[3].op, ir::HeaderOpKind::replace);
  EXPECT_EQ(h[4].name, "X-Late");
}

TEST(CaddyHandlers, RewriteKeepsOrReplacesTheQuery) {
  auto c = caddy(":8080 {\n\trewrite /a /b?x=1\n\trewrite /c ?{query}&y=2\n\trewrite * /index.html\n}\n");
  const auto& rw = c.virtual_hosts[0].rewrites;
  ASSERT_EQ(rw.size(), 3u);
  EXPECT_FALSE(rw[0].append_query);
  EXPECT_EQ(render(rw[1].replacement), "${path}?${query}&y=2");
  EXPECT_EQ(rw[2].regex, "^");
  EXPECT_TRUE(rw[2].append_query);
}

TEST(CaddyHandlers, UriForms) {
  Compiled c = compile_caddy(":8080 {\n\turi strip_suffix .html\n\turi replace /old/ /new/ 1\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  EXPECT_EQ(c.errors(), "");
  const auto& rw = c.config->virtual_hosts[0].rewrites;
  ASSERT_EQ(rw.size(), 2u);
  EXPECT_EQ(rw[0].regex, "^(.*)\\.html$");
  EXPECT_EQ(rw[1].regex, "^(.*?)/old/(.*)$");
  EXPECT_EQ(render(rw[1].replacement), "${regex_capture:1}/new/${regex_capture:2}");
  Compiled all = compile_caddy(":8080 {\n\turi replace a b\n}\n");
  EXPECT_EQ(all.errors(), "Caddyfile:2:2: warning: uri replace: proxyglot replaces the first occurrence only (give a limit of 1 to say so)\n");
}

TEST(CaddyHandlers, RequestBodyMaxSizeLimitsTheRoutesAfterIt) {
  auto c = caddy(":8080 {\n\trequest_body /upload* {\n\t\tmax_size 10MB\n\t}\n\treverse_proxy x:1\n}\n");
  const auto& routes = c.virtual_hosts.at(0).routes;
  ASSERT_EQ(routes.size(), 2u);  // with and without the limit
  EXPECT_EQ(routes[0].limits.max_body_bytes, 10000000);
  EXPECT_EQ(routes[1].limits.max_body_bytes, 0);
  EXPECT_EQ(caddy_route_for(c, "/upload/a"), "reverse_proxy");
  auto mib = caddy(":8080 {\n\trequest_body {\n\t\tmax_size 1MiB\n\t}\n\trespond x\n}\n");
  EXPECT_EQ(first(mib).limits.max_body_bytes, 1048576);
  Compiled bad = compile_caddy(":8080 {\n\trequest_body {\n\t\tmax_size lots\n\t}\n}\n");
  EXPECT_EQ(bad.errors(), "Caddyfile:3:12: error: parsing max_size: unhandled size name: lots\n");
}

TEST(CaddyHandlers, ErrorAnswersItsStatusWithAnEmptyBody) {
  auto c = caddy(":8080 {\n\terror /x \"nope\" 403\n\terror /y 410\n\terror boom\n}\n");
  const auto& routes = c.virtual_hosts.at(0).routes;
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].action.respond->status, 403);
  EXPECT_EQ(routes[1].action.respond->status, 410);
  EXPECT_EQ(routes[2].action.respond->status, 500);
  EXPECT_EQ(render(*routes[2].action.respond->body), "");
}

TEST(CaddyMatchers, NamedMatcherKinds) {
  auto c = caddy(":8080 {\n"
                 "\t@ws {\n\t\theader Connection *Upgrade*\n\t\theader Upgrade websocket\n\t}\n"
                 "\t@post method post PUT\n"
                 "\t@internal remote_ip 10.0.0.0/8 192.168.0.0/16\n"
                 "\t@q query debug=1\n"
                 "\t@host host API.example.com *.example.org\n"
                 "\t@secure protocol https\n"
                 "\t@re path_regexp ver ^/v(\\d+)/\n"
                 "\t@hre header_regexp ua User-Agent (?i)curl\n"
                 "\t@notapi not path /api*\n"
                 "\trespond @ws ws\n\trespond @post post\n\trespond @internal internal\n\trespond @q q\n"
                 "\trespond @host host\n\trespond @secure secure\n\trespond @re re\n\trespond @hre hre\n"
                 "\trespond @notapi notapi\n}\n");
  auto at = [&](const std::string& path, const std::string& method,
                std::vector<std::pair<std::string, std::string>> headers, const std::string& query = "") {
    return caddy_route_for(c, path, 0, method, std::move(headers), query);
  };
  EXPECT_EQ(at("/api/chat", "GET", {{"Connection", "keep-alive, Upgrade"}, {"Upgrade", "websocket"}}), "respond @ws");
  EXPECT_EQ(at("/api/x", "PUT", {}), "respond @post");
  EXPECT_EQ(at("/api/x", "GET", {}, "a=b&debug=1"), "respond @q");
  EXPECT_EQ(at("/api/x", "GET", {}, "debug=10"), "fallback");
  EXPECT_EQ(at("/v2/x", "GET", {}), "respond @re");
  EXPECT_EQ(at("/api/x", "GET", {{"User-Agent", "CURL/8"}}), "respond @hre");
  EXPECT_EQ(at("/home", "GET", {}), "respond @notapi");
  // remote_ip: the RequestView's default client is 127.0.0.1.
  ir::RouteSelector sel(c.virtual_hosts[0]);
  ir::RequestView req;
  req.path = "/api/x";
  req.client_address = "10.1.2.3";
  EXPECT_EQ(c.virtual_hosts[0].routes[static_cast<size_t>(sel.select(req))].name, "respond @internal");
  req.client_address = "8.8.8.8";
  req.host = "api.example.com";
  EXPECT_EQ(c.virtual_hosts[0].routes[static_cast<size_t>(sel.select(req))].name, "respond @host");
  req.host = "x.example.org";
  req.headers = {{"Host", "x.example.org"}};
  EXPECT_EQ(c.virtual_hosts[0].routes[static_cast<size_t>(sel.select(req))].name, "respond @host");
  req.host = "other";
  req.headers = {};
  req.scheme = "https";
  EXPECT_EQ(c.virtual_hosts[0].routes[static_cast<size_t>(sel.select(req))].name, "respond @secure");
}

TEST(CaddyMatchers, MatcherLinesOfOneTypeAreOredAndTypesAnded) {
  auto c = caddy(":8080 {\n\t@m {\n\t\tpath /a\n\t\tpath /b\n\t\tmethod GET\n\t}\n\trespond @m m\n}\n");
  EXPECT_EQ(caddy_route_for(c, "/b", 0, "GET"), "respond @m");
  EXPECT_EQ(caddy_route_for(c, "/b", 0, "POST"), "fallback");
  EXPECT_EQ(caddy_route_for(c, "/c", 0, "GET"), "fallback");
}

// caddy adapt: {"path": ["/a*"], "path_regexp": {"pattern": "^/b"}} -- two types, ANDed.
TEST(CaddyMatchers, PathAndPathRegexpAreAnded) {
  auto c = caddy(":8080 {\n\t@m {\n\t\tpath /a*\n\t\tpath_regexp ^/a/b\n\t\tpath /c*\n\t}\n\trespond @m m\n}\n");
  EXPECT_EQ(caddy_route_for(c, "/a/b"), "respond @m");
  EXPECT_EQ(caddy_route_for(c, "/a/x"), "fallback");  // path only
  EXPECT_EQ(caddy_route_for(c, "/c/a/b"), "fallback");  // path, regexp not
  Compiled twice = compile_caddy(":8080 {\n\t@m {\n\t\tpath_regexp ^/a\n\t\tpath_regexp ^/b\n\t}\n\trespond @m m\n}\n");
  EXPECT_EQ(twice.errors(), "Caddyfile:4:3: error: regular expression can only be used once per named matcher\n");
}

// caddy adapt: {"header": {"X-A": ["v1", "v2"], "X-B": ["w"]}} -- one field's values ORed,
// fields ANDed; `!F` then `F v` leaves {"F": ["v"]}.
TEST(CaddyMatchers, RepeatedHeaderFieldsMergeTheirValues) {
  auto c = caddy(":8080 {\n\t@m {\n\t\theader X-A v1\n\t\theader X-B w\n\t\theader X-A v2\n\t}\n"
                 "\t@d {\n\t\theader !X-D\n\t\theader X-D z\n\t}\n\trespond @m m\n\trespond @d d\n}\n");
  auto at = [&](std::vector<std::pair<std::string, std::string>> headers) {
    return caddy_route_for(c, "/", 0, "GET", std::move(headers));
  };
  EXPECT_EQ(at({{"X-A", "v1"}, {"X-B", "w"}}), "respond @m");
  EXPECT_EQ(at({{"X-A", "v2"}, {"X-B", "w"}}), "respond @m");
  EXPECT_EQ(at({{"X-A", "v2"}}), "fallback");
  EXPECT_EQ(at({{"X-A", "v3"}, {"X-B", "w"}}), "fallback");
  EXPECT_EQ(at({{"X-D", "z"}}), "respond @d");
  EXPECT_EQ(at({}), "fallback");
  Compiled twice = compile_caddy(":8080 {\n\t@m {\n\t\theader_regexp X-A ^a\n\t\theader_regexp X-A ^b\n\t}\n\trespond @m m\n}\n");
  EXPECT_EQ(twice.errors(),
            "Caddyfile:4:3: error: header_regexp matcher can only be used once per named matcher, per header field: X-A\n");
}

TEST(CaddyMatchers, MatcherUsedBeforeItsDefinition) {
  auto c = caddy(":8080 {\n\trespond @late late\n\t@late path /late\n}\n");
  EXPECT_EQ(caddy_route_for(c, "/late"), "respond @late");
}

TEST(CaddyMatchers, MatchersAreScopedToTheirBlock) {
  Compiled c = compile_caddy(":8080 {\n\thandle {\n\t\t@in path /in\n\t\trespond @in in\n\t}\n\trespond @in out\n}\n");
  EXPECT_EQ(c.errors(), "Caddyfile:6:10: error: unrecognized matcher name: @in\n");
}

}  // namespace
}  // namespace pg::test
