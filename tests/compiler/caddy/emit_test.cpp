// The Caddyfile emitter: exact text for key constructs, and that the text compiles back
// (with proxyglot's own Caddyfile front end) to the IR it was written from.
#include <gtest/gtest.h>

#include "emitters.h"
#include "ir/equivalence.h"
#include "support/caddy_fixture.h"
#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

struct Emitted {
  std::string text;
  Diagnostics losses;
  std::vector<ir::Difference> differences;  // source IR vs the text read back
};

Emitted emit_and_reread(const ir::Config& source) {
  Emitted e;
  e.text = caddy::emit(source, e.losses);
  Compiled back = compile_caddy(e.text, "translated Caddyfile");
  EXPECT_TRUE(back.config) << back.errors() << "\n" << e.text;
  if (back.config) e.differences = ir::compare(source, *back.config);
  return e;
}

Emitted from_caddy(std::string_view text) { return emit_and_reread(caddy(text)); }

TEST(CaddyEmit, SiteWithProxyRoundTrips) {
  auto e = from_caddy("example.com {\n\treverse_proxy 10.0.0.1:8080\n}\n");
  EXPECT_EQ(e.text,
            "# from Caddyfile:1\n"
            "example.com {\n"
            "\t# from Caddyfile:2 (reverse_proxy)\n"
            "\thandle {\n"
            "\t\treverse_proxy 10.0.0.1:8080\n"
            "\t}\n"
            "}\n");
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
  EXPECT_TRUE(e.losses.all().empty());
}

TEST(CaddyEmit, PlainRedirectsNoEarlierRouteTakesAreSiteLevel) {
  // Caddy runs `redir` before every handle: a redirect whose requests no earlier route
  // can take needs no handle of its own.
  auto e = from_caddy(":8080 {\n\t@old path /old\n\tredir @old /new permanent\n"
                      "\thandle /api/* {\n\t\treverse_proxy 127.0.0.1:1\n\t}\n}\n");
  EXPECT_NE(e.text.find("\n\tredir /old /new permanent\n"), std::string::npos) << e.text;
  EXPECT_EQ(e.text.find("\t\tredir"), std::string::npos) << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
  // One an earlier route may take requests from stays in its handle, in its place.
  auto f = from_caddy(":8080 {\n\thandle /a/b* {\n\t\treverse_proxy 127.0.0.1:1\n\t}\n"
                      "\thandle /a/* {\n\t\tredir * /new permanent\n\t}\n}\n");
  EXPECT_NE(f.text.find("\t\tredir * /new permanent\n"), std::string::npos) << f.text;
  EXPECT_TRUE(f.differences.empty()) << ir::format_differences(f.differences);
}

TEST(CaddyEmit, ProxyDirectivesManyHandlesRepeatAreSnippets) {
  // Three locations proxying to one upstream with the same settings: one snippet holds the
  // reverse_proxy, and each handle imports it.
  auto c = compile_nginx("events {}\nhttp {\n upstream app { least_conn; server 10.0.0.1:80; server 10.0.0.2:80; }\n"
                         " server { listen 8080;\n"
                         "  location /a/ { proxy_pass http://app; }\n"
                         "  location /b/ { proxy_pass http://app; }\n"
                         "  location /c/ { proxy_pass http://app; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_and_reread(*c.config);
  // The pool's settings, used only there, are written inside it.
  EXPECT_NE(e.text.find("# from test.conf:3\n(proxy_app) {\n\treverse_proxy 10.0.0.1:80 10.0.0.2:80 {\n"
                        "\t\tlb_policy least_conn\n"),
            std::string::npos) << e.text;
  EXPECT_EQ(e.text.find("(pool_app)"), std::string::npos) << e.text;
  size_t imports = 0;
  for (size_t at = 0; (at = e.text.find("\t\timport proxy_app\n\t}\n", at)) != std::string::npos; ++at) ++imports;
  EXPECT_EQ(imports, 3u) << e.text;
  // What nginx's proxying and Caddy's differ in, and nothing about the routes themselves.
  for (const auto& d : e.differences) EXPECT_EQ(d.what.find(" only in"), std::string::npos) << d.what;
}

TEST(CaddyEmit, HttpOnlySiteKeepsItsScheme) {
  auto e = from_caddy("http://a.com {\n\trespond \"hi\" 201\n}\n:8080 {\n\tredir https://b.com{uri} permanent\n}\n");
  EXPECT_NE(e.text.find("http://a.com {"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find("\t\trespond hi 201\n"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find(":8080 {"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find("redir https://b.com{uri} permanent"), std::string::npos) << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
}

TEST(CaddyEmit, BalancingHealthAndTransport) {
  auto e = from_caddy(
      ":80 {\n\treverse_proxy a:1 b:2 {\n\t\tlb_policy least_conn\n\t\tlb_try_duration 5s\n"
      "\t\thealth_uri /health\n\t\thealth_interval 10s\n\t\tfail_duration 30s\n\t\tmax_fails 3\n"
      "\t\tunhealthy_status 5xx\n\t\theader_up X-Real-IP {remote_host}\n\t\theader_down -Server\n"
      "\t\ttransport http {\n\t\t\tdial_timeout 2s\n\t\t\tread_timeout 30s\n\t\t}\n\t}\n}\n");
  EXPECT_NE(e.text.find("\t\treverse_proxy a:1 b:2 {\n"
                        "\t\t\tlb_policy least_conn\n"
                        "\t\t\tlb_try_duration 5s\n"
                        "\t\t\thealth_uri /health\n"
                        "\t\t\thealth_interval 10s\n"
                        "\t\t\tfail_duration 30s\n"
                        "\t\t\tmax_fails 3\n"
                        "\t\t\tunhealthy_status 5xx\n"
                        "\t\t\theader_up X-Real-IP {remote_host}\n"
                        "\t\t\theader_down -Server\n"
                        "\t\t\ttransport http {\n"
                        "\t\t\t\tdial_timeout 2s\n"
                        "\t\t\t\tread_timeout 30s\n"
                        "\t\t\t}\n"
                        "\t\t}\n"),
            std::string::npos)
      << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
}

TEST(CaddyEmit, NamedMatchersAndHandlePath) {
  auto e = from_caddy(
      ":80 {\n\t@api {\n\t\tpath /api/*\n\t\tmethod GET POST\n\t\tnot remote_ip 10.0.0.0/8\n\t}\n"
      "\thandle @api {\n\t\treverse_proxy a:1\n\t}\n\thandle_path /static/* {\n\t\treverse_proxy b:2\n\t}\n"
      "\thandle {\n\t\trespond 404\n\t}\n}\n");
  EXPECT_NE(e.text.find("@api {\n\t\tpath /api/*\n\t\tmethod GET POST\n\t\tnot remote_ip 10.0.0.0/8\n\t}"),
            std::string::npos)
      << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
}

TEST(CaddyEmit, OrderCaddyWouldSortGoesInARouteBlock) {
  // nginx: the regex location comes first, a longer prefix would sort first in Caddy.
  ir::Config c = caddy(":80 {\n\troute {\n\t\thandle /a/* {\n\t\t\trespond a\n\t\t}\n"
                       "\t\thandle /a/long/* {\n\t\t\trespond b\n\t\t}\n\t}\n}\n");
  auto e = emit_and_reread(c);
  EXPECT_NE(e.text.find("\troute {\n\t\t# from"), std::string::npos) << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
}

TEST(CaddyEmit, AccessRulesBecomeDeniedMatchers) {
  ir::Config c = caddy(":80 {\n\trespond ok\n}\n");
  auto& r = c.virtual_hosts[0].routes[0];
  r.access = {{SourceLoc{}, true, "10.0.0.0/8"}, {SourceLoc{}, true, "192.168.0.0/16"}, {SourceLoc{}, false, "all"}};
  Diagnostics losses;
  std::string text = caddy::emit(c, losses);
  EXPECT_NE(text.find("@denied not remote_ip 10.0.0.0/8 192.168.0.0/16\n\t\trespond @denied 403\n"), std::string::npos)
      << text;
}

TEST(CaddyEmit, NginxDefaultsAreUndone) {
  Compiled n = compile_nginx(
      "events {}\nhttp {\n server {\n  listen 80;\n  server_name app.example.com;\n"
      "  location / { proxy_pass http://127.0.0.1:8080; }\n }\n}\n");
  ASSERT_TRUE(n.config) << n.errors();
  Diagnostics losses;
  std::string text = caddy::emit(*n.config, losses);
  EXPECT_NE(text.find("http://app.example.com, :80 {"), std::string::npos) << text;
  for (const char* line : {"header_up -X-Forwarded-For", "header_up -X-Forwarded-Proto", "header_up -X-Forwarded-Host",
                           "header_up Host {upstream_hostport}", "header_up Connection close", "keepalive off",
                           "dial_timeout 1m", "read_timeout 1m", "max_size 1MiB", "fail_duration 10s"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  EXPECT_TRUE(compile_caddy(text).config);
}

TEST(CaddyEmit, APoolSplitAcrossReverseProxiesIsWarnedWhenItsStateMatters) {
  auto warned = [](const std::string& upstream) {
    Compiled n = compile_nginx("events {}\nhttp {\n upstream b { " + upstream +
                               " }\n server {\n  listen 8080;\n  location /a/ { proxy_pass http://b; }\n"
                               "  location /c/ { proxy_pass http://b; }\n }\n}\n");
    EXPECT_TRUE(n.config) << n.errors();
    Diagnostics losses;
    caddy::emit(*n.config, losses);
    return losses.to_string();
  };
  std::string two = warned("server 10.0.0.1:80 max_fails=0; server 10.0.0.2:80 max_fails=0;");
  EXPECT_NE(two.find("caddy cannot express one balancer for the 2 reverse_proxy directives of pool b; each keeps its "
                     "own round robin position, where the source shares them"),
            std::string::npos)
      << two;
  std::string passive = warned("server 10.0.0.1:80;");  // one server, nginx's passive failures
  EXPECT_NE(passive.find("each keeps its own passive failure records"), std::string::npos) << passive;
  std::string stateless = warned("hash $request_uri; server 10.0.0.1:80 max_fails=0; server 10.0.0.2:80 max_fails=0;");
  EXPECT_EQ(stateless.find("one balancer"), std::string::npos) << stateless;
}

TEST(CaddyEmit, WeightsAndBackupsAreReportedLosses) {
  Compiled n = compile_nginx(
      "events {}\nhttp {\n upstream b { server 10.0.0.1:80 weight=3; server 10.0.0.2:80 backup; }\n"
      " server {\n  listen 8080;\n  location / { proxy_pass http://b; }\n }\n}\n");
  ASSERT_TRUE(n.config) << n.errors();
  Diagnostics losses;
  std::string text = caddy::emit(*n.config, losses);
  std::string all = losses.to_string();
  EXPECT_NE(all.find("caddy cannot express server weights"), std::string::npos) << all;
  EXPECT_NE(all.find("caddy cannot express the backup server 10.0.0.2:80"), std::string::npos) << all;
  EXPECT_NE(text.find("reverse_proxy 10.0.0.1:80"), std::string::npos) << text;
  EXPECT_NE(text.find("header_up Host b"), std::string::npos) << text;
}


// nginx locations are case-sensitive, Caddy's path is not: an anchored path_regexp,
// read back as the same prefix.
TEST(CaddyEmit, CaseSensitivePathsBecomePathRegexp) {
  Compiled n = compile_nginx("events {}\nhttp {\n server {\n  listen 80;\n  location /v2/ { return 200 v2; }\n"
                             "  location /1/ { return 200 one; }\n }\n}\n");
  ASSERT_TRUE(n.config) << n.errors();
  auto e = emit_and_reread(*n.config);
  EXPECT_NE(e.text.find("@v2 path_regexp v2 ^/v2/\n\thandle @v2 {"), std::string::npos) << e.text;
  EXPECT_NE(e.text.find("handle /1/* {"), std::string::npos) << e.text;
  std::string diffs = ir::format_differences(e.differences);
  EXPECT_EQ(diffs.find("becomes path"), std::string::npos) << diffs;
  EXPECT_EQ(diffs.find("not kept in"), std::string::npos) << diffs;
}

// nginx's $proxy_add_x_forwarded_for: trusted_proxies for every client, read back as
// the appended chain; Caddy then keeps a client's X-Forwarded-Proto, so it is set.
TEST(CaddyEmit, AppendedForwardedForIsTrustedProxies) {
  auto c = caddy(":80 {\n\treverse_proxy a:1 {\n\t\ttrusted_proxies 0.0.0.0/0 ::/0\n\t\theader_up X-Forwarded-Proto {scheme}\n\t}\n}\n");
  const auto& ops = c.virtual_hosts.at(0).routes.at(0).request_headers;
  ASSERT_GE(ops.size(), 3u);
  EXPECT_EQ(ops[1].name, "X-Forwarded-For");
  EXPECT_EQ(ops[1].value.parts.at(0).var, ir::Var::forwarded_for_appended);
  EXPECT_EQ(ops[2].op, ir::HeaderOpKind::add_if_absent);
  auto e = emit_and_reread(c);
  EXPECT_NE(e.text.find("\t\t\ttrusted_proxies 0.0.0.0/0 ::/0\n\t\t\theader_up X-Forwarded-Proto {scheme}\n\t\t}"),
            std::string::npos) << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
  EXPECT_NE(compile_caddy(":80 {\n\treverse_proxy a:1 {\n\t\ttrusted_proxies 10.0.0.0/8\n\t}\n}\n").errors().find("not supported"),
            std::string::npos);
}

// nginx error_page to a named location: a handle_errors route for Caddy's statuses.
TEST(CaddyEmit, ErrorPageToNamedLocationIsHandleErrors) {
  Compiled n = compile_nginx("events {}\nhttp {\n server {\n  listen 80;\n  location / {\n   proxy_pass http://127.0.0.1:9;\n"
                             "   error_page 502 504 = @m;\n  }\n  location @m { return 503 \"maintenance\"; }\n }\n}\n");
  ASSERT_TRUE(n.config) << n.errors();
  Diagnostics losses;
  std::string text = caddy::emit(*n.config, losses);
  EXPECT_NE(text.find("\thandle_errors {\n\t\t@m expression {err.status_code} in [502, 503, 504]\n\t\trespond @m maintenance 503\n\t}\n"),
            std::string::npos) << text;
  EXPECT_EQ(losses.to_string().find("named route"), std::string::npos) << losses.to_string();
  Compiled back = compile_caddy(text);
  ASSERT_TRUE(back.config) << back.errors();
  EXPECT_EQ(back.config->virtual_hosts.at(0).named_routes.size(), 1u);
}

// Caddy's 503 (no upstream available) answered as nginx's 502: read back as the
// no-server status.
TEST(CaddyEmit, NoServerStatusRoundTrips) {
  auto c = caddy(":80 {\n\treverse_proxy a:1 {\n\t\tfail_duration 10s\n\t}\n\thandle_errors {\n"
                 "\t\t@s expression {err.status_code} == 503\n\t\trespond @s 502\n\t}\n}\n");
  const auto& r = c.virtual_hosts.at(0).routes.at(0);
  EXPECT_EQ(r.action.proxy->no_server_status, 502);
  EXPECT_TRUE(r.error_pages.empty());
  EXPECT_TRUE(c.virtual_hosts.at(0).named_routes.empty());
}

// HAProxy's redirect location /new/%[path,regsub(^/old/,)]: a path_regexp capture.
TEST(CaddyEmit, RegsubOnPathIsACapture) {
  ir::Config c = caddy(":80 {\n\tredir /old/* /new/ 301\n}\n");
  auto& r = c.virtual_hosts.at(0).routes.at(0);
  r.match.predicate->case_insensitive = false;
  ir::TemplatePart path{ir::Var::path, ""};
  path.converters.push_back({"regsub", {"^/old/", ""}});
  r.action.redirect->location.parts.push_back(path);
  Diagnostics losses;
  std::string text = caddy::emit(c, losses);
  EXPECT_NE(text.find("@old2 path_regexp old2 ^/old/(.*)$\n\t\tredir @old2 /new/{re.old2.1} permanent\n"), std::string::npos) << text;
  EXPECT_TRUE(compile_caddy(text).config);
}

}  // namespace
}  // namespace pg::test
