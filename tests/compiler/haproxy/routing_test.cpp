// HAProxy's selection compiled into the IR's route order, shown with requests through
// ir::RouteSelector: terminal http-request rules, then use_backend rules in order (first
// match wins), then default_backend; ACL semantics (ORed lines, AND, '||', '!', unless).
#include <gtest/gtest.h>

#include "support/haproxy_fixture.h"

namespace pg::test {
namespace {

ir::RequestView req(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  ir::RequestView r;
  r.path = std::move(path);
  r.headers = std::move(headers);
  return r;
}

const char* kBackends = "backend a\n server s 10.0.0.1:80\nbackend b\n server s 10.0.0.2:80\n"
                        "backend c\n server s 10.0.0.3:80\n";

TEST(HaproxyRouting, FirstMatchingUseBackendWinsThenDefault) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n acl api path_beg /api\n acl v2 path_beg /api/v2\n"
                               " use_backend a if api\n use_backend b if v2\n default_backend c\n") + kBackends);
  EXPECT_EQ(route_for(c, "/api/v2/x"), "use_backend a if api");  // written first, so it wins
  EXPECT_EQ(route_for(c, "/apix"), "use_backend a if api");
  EXPECT_EQ(route_for(c, "/other"), "default_backend c");
}

TEST(HaproxyRouting, SameNameAclLinesAreOred) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n acl st path_end .css .js\n acl st path_beg /static/\n"
                               " use_backend a if st\n") + kBackends);
  EXPECT_EQ(route_for(c, "/x/site.css"), "use_backend a if st");
  EXPECT_EQ(route_for(c, "/static/img.png"), "use_backend a if st");
  EXPECT_EQ(route_for(c, "/x/site.cssx"), "fallback");
}

TEST(HaproxyRouting, AndOrNotUnless) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n acl api path_beg /api\n acl admin path_beg /api/admin\n"
                               " acl get method GET\n"
                               " use_backend a if api !admin get\n"
                               " use_backend b if admin || { hdr(x-role) -i admin }\n"
                               " use_backend c unless api\n") + kBackends);
  auto get = req("/api/x");
  get.method = "GET";
  EXPECT_EQ(route_for_request(c, get), "use_backend a if api !admin get");
  auto post = req("/api/x");
  post.method = "POST";
  EXPECT_EQ(route_for_request(c, post), "fallback");
  EXPECT_EQ(route_for_request(c, req("/api/admin/users")), "use_backend b if admin || { hdr(x-role) -i admin }");
  auto role = req("/api/y", {{"X-Role", "ADMIN"}});
  role.method = "PUT";
  EXPECT_EQ(route_for_request(c, role), "use_backend b if admin || { hdr(x-role) -i admin }");
  EXPECT_EQ(route_for_request(c, req("/index.html")), "use_backend c unless api");
}

TEST(HaproxyRouting, PathMatchMethods) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n"
                               " use_backend a if { path /exact }\n"
                               " use_backend b if { path_dir img }\n"
                               " use_backend c if { path_sub -i secret }\n"
                               " use_backend a if { path_reg ^/v[0-9]+/ }\n"
                               " use_backend b if { path -m beg /m/ }\n"
                               " use_backend c if { url_beg /u/ }\n") + kBackends);
  const auto& rs = c.virtual_hosts[0].routes;
  EXPECT_EQ(route_for(c, "/exact"), rs[0].name);
  EXPECT_EQ(route_for(c, "/exact/"), "fallback");
  EXPECT_EQ(route_for(c, "/a/img/b.png"), rs[1].name);
  EXPECT_EQ(route_for(c, "/a/imgs/b.png"), "fallback");
  EXPECT_EQ(route_for(c, "/x/SeCrEt/y"), rs[2].name);
  EXPECT_EQ(route_for(c, "/v12/z"), rs[3].name);
  EXPECT_EQ(route_for(c, "/m/z"), rs[4].name);
  EXPECT_EQ(route_for(c, "/u/z"), rs[5].name);
}

TEST(HaproxyRouting, HeaderMatchMethods) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n"
                               " use_backend a if { hdr(host) -i api.example.com }\n"
                               " use_backend b if { hdr_dom(host) -i example.org }\n"
                               " use_backend c if { req.hdr(x-canary) -m found }\n"
                               " use_backend a if { hdr_beg(user-agent) curl }\n"
                               " use_backend b if { hdr_cnt(x-debug) gt 0 }\n") + kBackends);
  const auto& rs = c.virtual_hosts[0].routes;
  EXPECT_EQ(route_for_request(c, req("/", {{"Host", "API.example.com"}})), rs[0].name);
  EXPECT_EQ(route_for_request(c, req("/", {{"Host", "www.example.org"}})), rs[1].name);
  EXPECT_EQ(route_for_request(c, req("/", {{"Host", "notexample.org"}})), "fallback");
  EXPECT_EQ(route_for_request(c, req("/", {{"X-Canary", ""}})), rs[2].name);
  EXPECT_EQ(route_for_request(c, req("/", {{"User-Agent", "curl/8"}})), rs[3].name);
  EXPECT_EQ(route_for_request(c, req("/", {{"X-Debug", "1"}})), rs[4].name);
}

TEST(HaproxyRouting, SourceSchemeAndPredefinedAcls) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n"
                               " use_backend a if { src 10.0.0.0/8 192.168.1.1 }\n"
                               " use_backend b if { ssl_fc }\n"
                               " use_backend c if METH_POST || LOCALHOST\n") + kBackends);
  const auto& rs = c.virtual_hosts[0].routes;
  auto r = req("/");
  r.client_address = "10.1.2.3";
  EXPECT_EQ(route_for_request(c, r), rs[0].name);
  r.client_address = "8.8.8.8";
  r.scheme = "https";
  EXPECT_EQ(route_for_request(c, r), rs[1].name);
  r.scheme = "http";
  r.method = "POST";
  EXPECT_EQ(route_for_request(c, r), rs[2].name);
  r.method = "GET";
  EXPECT_EQ(route_for_request(c, r), "fallback");
  r.client_address = "127.0.0.1";
  EXPECT_EQ(route_for_request(c, r), rs[2].name);
}

TEST(HaproxyRouting, TerminalRulesComeBeforeSwitching) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n use_backend a if { path_beg /admin }\n"
                               " http-request deny if { path_beg /admin/secret }\n default_backend b\n") + kBackends);
  EXPECT_EQ(route_for(c, "/admin/secret/x"), "http-request deny if { path_beg /admin/secret }");
  EXPECT_EQ(route_for(c, "/admin/x"), "use_backend a if { path_beg /admin }");
}

TEST(HaproxyRouting, BackendTerminalRulesApplyToItsTrafficOnly) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n use_backend a if { path_beg /a }\n default_backend b\n") +
                   "backend a\n http-request deny if { path_end .php }\n server s 10.0.0.1:80\n"
                   "backend b\n server s 10.0.0.2:80\n");
  EXPECT_EQ(route_for(c, "/a/x.php"), "http-request deny if { path_end .php } (use_backend a if { path_beg /a })");
  EXPECT_EQ(route_for(c, "/b/x.php"), "default_backend b");
}

TEST(HaproxyRouting, LegacyRedirectComesAfterHttpRequestRules) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n redirect scheme https code 301 if !{ ssl_fc }\n"
                               " http-request deny if { path /x }\n default_backend a\n") + kBackends);
  EXPECT_EQ(route_for(c, "/x"), "http-request deny if { path /x }");  // written later, evaluated first
  EXPECT_EQ(route_for(c, "/y"), "redirect scheme https code 301 if !{ ssl_fc }");
  const auto& r = c.virtual_hosts[0].routes.at(1);
  EXPECT_EQ(r.action.redirect->status, 301);
  EXPECT_EQ(render(r.action.redirect->location), "https://${request_header:Host}${path}${query_mark}${query}");
}

TEST(HaproxyRouting, ConditionalBackendPathRuleSplitsTheRoute) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n default_backend api\n") +
                   "backend api\n http-request set-path /v2%[path] if { hdr(x-version) 2 }\n server s 10.0.0.1:80\n");
  const auto& rs = c.virtual_hosts[0].routes;
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(route_for_request(c, req("/x", {{"X-Version", "2"}})), "default_backend api [line 7 applies]");
  EXPECT_EQ(route_for_request(c, req("/x")), "default_backend api [line 7 does not apply]");
  EXPECT_EQ(rs[0].rewrites.size(), 1u);
  EXPECT_TRUE(rs[1].rewrites.empty());
  auto e = compile_haproxy("defaults\n mode http\nfrontend fe\n bind :80\n http-request set-path /a if { path /b }\n");
  EXPECT_NE(e.errors().find("test.cfg:5:2: error: conditional 'http-request set-path' in a frontend is not supported"),
            std::string::npos) << e.errors();
}

TEST(HaproxyRouting, UrlParamAcls) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n use_backend a if { url_param(v) 2 }\n"
                               " use_backend b if { url_param(debug) -m found }\n") + kBackends);
  auto r = req("/x");
  r.query = "a=1&v=2";
  EXPECT_EQ(route_for_request(c, r), "use_backend a if { url_param(v) 2 }");
  r.query = "v=3;debug";
  EXPECT_EQ(route_for_request(c, r), "use_backend b if { url_param(debug) -m found }");
  r.query = "xv=2";
  EXPECT_EQ(route_for_request(c, r), "fallback");
}

TEST(HaproxyRouting, ConditionalHeaderRulesSplitTheRoute) {
  auto c = haproxy(std::string("frontend fe\n bind :80\n http-request set-header X-Proto https if { ssl_fc }\n"
                               " http-request set-header X-Always 1\n default_backend a\n") + kBackends);
  const auto& rs = c.virtual_hosts[0].routes;
  ASSERT_EQ(rs.size(), 2u);
  auto https = req("/");
  https.scheme = "https";
  EXPECT_EQ(route_for_request(c, https), "default_backend a [line 5 applies]");
  EXPECT_EQ(route_for_request(c, req("/")), "default_backend a [line 5 does not apply]");
  ASSERT_EQ(rs[0].request_headers.size(), 2u);
  EXPECT_EQ(rs[0].request_headers[0].name, "X-Proto");
  ASSERT_EQ(rs[1].request_headers.size(), 1u);
  EXPECT_EQ(rs[1].request_headers[0].name, "X-Always");
}

}  // namespace
}  // namespace pg::test
