// handle_errors: the site's error routes as named routes, reached through error pages
// on the routes whose handler can fail (reverse_proxy, error). Expectations from
// `caddy adapt` (errors.routes) and `caddy run` 2.6.2.
#include <gtest/gtest.h>

#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

const ir::Route& route_named(const ir::VirtualHost& vh, const std::string& name) {
  for (const auto& r : vh.routes)
    if (r.name == name) return r;
  ADD_FAILURE() << "no route " << name;
  return vh.fallback;
}

// The conformance scenario error-page: a proxy failure answers 503 "maintenance".
TEST(CaddyHandleErrors, RespondForEveryProxyFailure) {
  auto c = caddy("http://:8080 {\n\treverse_proxy 127.0.0.1:9\n\thandle_errors {\n\t\trespond \"maintenance\" 503\n\t}\n}\n");
  const auto& vh = c.virtual_hosts.at(0);
  ASSERT_EQ(vh.named_routes.size(), 1u);
  const auto& named = vh.named_routes[0];
  EXPECT_EQ(named.name, "handle_errors > respond");
  EXPECT_EQ(named.action.respond->status, 503);
  EXPECT_EQ(render(*named.action.respond->body), "maintenance");
  const auto& pages = route_named(vh, "reverse_proxy").error_pages;
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].codes, (std::vector<int>{500, 502, 503, 504}));
  EXPECT_EQ(pages[0].target_kind, ir::ErrorTarget::named_route);
  EXPECT_EQ(render(pages[0].target), "handle_errors > respond");  // the route's name exactly
  EXPECT_EQ(pages[0].status_mode, ir::ErrorStatus::from_target);
  EXPECT_TRUE(vh.fallback.error_pages.empty());
}

// caddy run: `respond "x {err.status_code}"` without a status answers with the error's
// status; `respond 503` is not an error, `error 418` is; expression matchers pick the
// error route by status, the first that admits a status takes it.
TEST(CaddyHandleErrors, StatusMatchersAndKeptStatus) {
  auto c = caddy("http://:8080 {\n\treverse_proxy 127.0.0.1:9\n\terror /e* \"x\" 418\n\trespond /r 503\n"
                 "\thandle_errors {\n\t\t@gw expression {err.status_code} == 502\n\t\theader X-Err yes\n"
                 "\t\trespond @gw \"gw {err.status_code}\"\n"
                 "\t\trespond \"other {http.error.status_code}\" 599\n\t}\n}\n");
  const auto& vh = c.virtual_hosts.at(0);
  ASSERT_EQ(vh.named_routes.size(), 2u);
  EXPECT_EQ(vh.named_routes[0].name, "handle_errors > respond @gw");
  EXPECT_EQ(render(*vh.named_routes[0].action.respond->body), "gw ${status}");
  ASSERT_EQ(vh.named_routes[0].response_headers.size(), 1u);
  EXPECT_EQ(vh.named_routes[0].response_headers[0].name, "X-Err");
  EXPECT_EQ(vh.named_routes[0].match.children.size(), 0u);  // the status test became the page's codes
  EXPECT_EQ(render(*vh.named_routes[1].action.respond->body), "other ${status}");
  const auto& pages = route_named(vh, "error /e*").error_pages;
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].codes, (std::vector<int>{502}));
  EXPECT_EQ(pages[0].status_mode, ir::ErrorStatus::keep);
  EXPECT_EQ(pages[1].codes, (std::vector<int>{418, 500, 503, 504}));
  EXPECT_EQ(pages[1].status_mode, ir::ErrorStatus::from_target);
  EXPECT_EQ(route_named(vh, "reverse_proxy").error_pages.size(), 2u);
  EXPECT_TRUE(route_named(vh, "respond /r").error_pages.empty());
}

TEST(CaddyHandleErrors, RedirAndReverseProxyAndInLists) {
  auto c = caddy("http://:8080 {\n\terror /e* 404\n\treverse_proxy 127.0.0.1:9\n\thandle_errors {\n"
                 "\t\t@nf expression `{err.status_code} in [404, 410]`\n\t\tredir @nf /missing 301\n"
                 "\t\t@big expression {err.status_code} >= 503\n\t\treverse_proxy @big 127.0.0.1:10\n\t}\n}\n");
  const auto& vh = c.virtual_hosts.at(0);
  ASSERT_EQ(vh.named_routes.size(), 2u);
  EXPECT_EQ(vh.named_routes[0].action.kind, ir::ActionKind::redirect);
  EXPECT_EQ(vh.named_routes[1].action.kind, ir::ActionKind::proxy);
  const auto& pages = route_named(vh, "error /e*").error_pages;
  ASSERT_EQ(pages.size(), 2u);
  EXPECT_EQ(pages[0].codes, (std::vector<int>{404}));
  EXPECT_EQ(pages[1].codes, (std::vector<int>{503, 504}));  // 500 and 502: no error route, Caddy's empty answer
  EXPECT_EQ(pages[1].status_mode, ir::ErrorStatus::from_target);
}

TEST(CaddyHandleErrors, NotSupported) {
  auto errors = [](const std::string& body) {
    return compile_caddy("http://:8080 {\n\treverse_proxy x:1\n\thandle_errors {\n" + body + "\t}\n}\n").errors();
  };
  EXPECT_EQ(errors("\t\trespond /a x\n"),
            "Caddyfile:4:3: error: respond in handle_errors: matchers on the request are not supported by proxyglot "
            "yet (only expression {err.status_code} ...)\n");
  EXPECT_EQ(errors("\t\t@m expression {path} == '/a'\n\t\trespond @m x\n"),
            "Caddyfile:4:6: error: expression '{path} == '/a'' is not supported by proxyglot yet (in handle_errors: "
            "{err.status_code} compared with a number, or `in [...]`)\n");
  EXPECT_EQ(errors("\t\trewrite * /oops\n\t\treverse_proxy y:1\n"),
            "Caddyfile:5:3: error: reverse_proxy in handle_errors after rewrite/uri/handle_path: rewriting an error's "
            "request is not supported by proxyglot yet\n");
  EXPECT_EQ(errors("\t\terror 500\n"), "Caddyfile:4:3: error: error inside handle_errors is not supported by proxyglot yet\n");
  EXPECT_EQ(errors("\t\trespond {err.message}\n"),
            "Caddyfile:4:11: error: placeholder {err.message} is not supported by proxyglot yet\n");
  // Site level only, no arguments (Caddy 2.6.2).
  EXPECT_EQ(compile_caddy("http://:8080 {\n\thandle /a {\n\t\thandle_errors {\n\t\t\trespond x\n\t\t}\n\t}\n}\n").errors(),
            "Caddyfile:3:3: error: handle_errors is not allowed in a handle/route block\n");
  EXPECT_EQ(compile_caddy("http://:8080 {\n\thandle_errors 502 {\n\t\trespond x\n\t}\n}\n").errors(),
            "Caddyfile:2:2: error: Wrong argument count or unexpected line ending after 'handle_errors'\n");
}

}  // namespace
}  // namespace pg::test
