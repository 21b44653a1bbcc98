// The HAProxy emitter: exact text for the key constructs, and that proxyglot's own
// HAProxy front end reads the text back to the same IR.
#include <gtest/gtest.h>

#include "emitters.h"
#include "haproxy/emit_conditions.h"
#include "haproxy/emit_words.h"
#include "ir/equivalence.h"
#include "ir/matchers.h"
#include "support/caddy_fixture.h"
#include "support/haproxy_fixture.h"
#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

struct Emitted {
  std::string text;
  std::string losses;
  std::string differences;  // ir::compare of the source and the text read back
};

Emitted emit_from(const ir::Config& source) {
  Emitted e;
  Diagnostics losses;
  e.text = haproxy::emit(source, losses);
  e.losses = losses.to_string();
  auto back = compile_haproxy(e.text, "translated.cfg");
  EXPECT_TRUE(back.config) << back.errors() << "\n" << e.text;
  if (back.config) e.differences = ir::format_differences(ir::compare(source, *back.config));
  return e;
}

// A HAProxy config through the emitter and back.
Emitted round_trip(std::string_view cfg) {
  auto c = compile_haproxy(cfg);
  EXPECT_TRUE(c.config) << c.errors();
  return emit_from(*c.config);
}

const char* kDefaults = "defaults\n mode http\n timeout connect 5s\n timeout client 30s\n timeout server 30s\n";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(HaproxyEmitWords, QuotesOnlyWhatNeedsIt) {
  using haproxy::emitter::word;
  EXPECT_EQ(word("/api/"), "/api/");
  EXPECT_EQ(word("^/index\\.php$"), "'^/index\\.php$'");
  EXPECT_EQ(word("a b"), "'a b'");
  EXPECT_EQ(word(""), "\"\"");
  EXPECT_EQ(word("it's $x"), "\"it's \\$x\"");
  EXPECT_EQ(word("line\nbreak"), "\"line\\nbreak\"");
}

TEST(HaproxyEmitWords, TemplatesUseTheFrontEndsFetchTable) {
  using haproxy::emitter::FormatEnv;
  using V = ir::Var;
  std::string why;
  ir::Template t{{{V::literal, "for="}, {V::client_address, ""}, {V::literal, " 100%"}, {V::request_header, "X-Id"},
                  {V::query_mark, ""}, {V::query, ""}}};
  EXPECT_EQ(haproxy::emitter::log_format(t, FormatEnv{}, why), "for=%[src] 100%%%[req.fhdr(X-Id)]%HQ");
  ir::Template host{{{V::host, ""}}};
  EXPECT_EQ(haproxy::emitter::log_format(host, FormatEnv{}, why), "%[req.fhdr(host),field(1,:),lower]");
  ir::Template m{{{V::map, "m"}}};
  EXPECT_EQ(haproxy::emitter::log_format(m, FormatEnv{}, why), std::nullopt);
  EXPECT_EQ(why, "the variable map");
}

TEST(HaproxyEmitWords, NamedCapturesAreNumbered) {
  EXPECT_EQ(haproxy::emitter::capture_index("^/(?<a>x)/(?:y)/(z)", "a"), 1);
  EXPECT_EQ(haproxy::emitter::capture_index("^/(?<a>x)/(?:y)/(z)", "2"), 2);
  EXPECT_EQ(haproxy::emitter::capture_index("^/[(]x(?P<b>y)", "b"), 1);
}

TEST(HaproxyEmitConditions, MatcherTreesBecomeAclConditions) {
  using namespace haproxy::emitter;
  using K = ir::PredKind;
  AclSet acls(false);
  auto m = ir::all_of({ir::pred(K::path_prefix, "/api/"),
                       ir::negate(ir::any_of({ir::pred(K::client_cidr, "10.0.0.0/8"), ir::pred(K::client_cidr, "192.168.0.0/16")})),
                       ir::any_of({ir::pred(K::method, "GET"), ir::pred(K::header_present, "", "X-Debug")})});
  auto d = to_dnf(m, acls);
  ASSERT_TRUE(d);
  EXPECT_EQ(condition(*d), "if path_api !src_10_0_0_0_8_any meth_get_or");
  std::string lines;
  for (const auto& l : acls.lines()) lines += l + "\n";
  EXPECT_EQ(lines,
            "acl path_api path_beg /api/\n"
            "acl src_10_0_0_0_8_any src 10.0.0.0/8 192.168.0.0/16\n"
            "acl meth_get_or method GET\n"
            "acl meth_get_or hdr(X-Debug) -m found\n");
  auto never_match = to_dnf(ir::all_of({ir::pred(K::scheme, "https"), ir::pred(K::scheme, "http")}), acls);
  ASSERT_TRUE(never_match);
  EXPECT_TRUE(never(*never_match));
}

TEST(HaproxyEmit, APoolSplitIntoBackendCopiesIsWarned) {
  auto emitted = [](const std::string& locations) {
    auto c = compile_nginx("events {}\nhttp {\n upstream b { least_conn; server 10.0.0.1:80; server 10.0.0.2:80; }\n"
                           " server {\n  listen 8080;\n  location /a/ { proxy_pass http://b; }\n" + locations +
                           " }\n}\n");
    EXPECT_TRUE(c.config) << c.errors();
    return c.config ? emit_from(*c.config) : Emitted{};
  };
  // Two locations that differ in a backend's settings (the read timeout): two copies.
  Emitted split = emitted("  location /slow/ { proxy_pass http://b; proxy_read_timeout 300s; }\n");
  EXPECT_TRUE(contains(split.losses, "haproxy writes pool 'b' as 2 backends (its routes differ in settings a backend "
                                     "holds): each keeps its own connection counts, passive failure records, where the "
                                     "source shares them"))
      << split.losses << "\n" << split.text;
  // One backend for both: nothing split, nothing said.
  Emitted same = emitted("  location /c/ { proxy_pass http://b; }\n");
  EXPECT_FALSE(contains(same.losses, "backends (its routes")) << same.losses << "\n" << same.text;
}

TEST(HaproxyEmit, PathRoutingRoundTripsExactly) {
  auto e = round_trip(std::string(kDefaults) +
                      "frontend web\n bind :80\n acl api path_beg /api/\n acl img path_end .png\n"
                      " use_backend api if api\n use_backend static if img !api\n default_backend app\n"
                      "backend api\n balance leastconn\n server a1 10.0.0.1:8080 check\n server a2 10.0.0.2:8080 weight 3 check\n"
                      "backend static\n server s1 10.0.0.3:80\n"
                      "backend app\n balance source\n hash-type consistent\n server w1 10.0.0.4:80 backup\n");
  EXPECT_EQ(e.differences, "") << e.text;
  EXPECT_TRUE(contains(e.text, "frontend http\n    bind :80\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    acl path_api path_beg /api/\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    use_backend api if path_api\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    default_backend app\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "backend api\n    balance leastconn\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    server a1 10.0.0.1:8080 check\n    server a2 10.0.0.2:8080 weight 3 check\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    balance source\n    hash-type consistent\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    acl path_end_png path_end .png\n")) << e.text;
}

TEST(HaproxyEmit, FixedAnswersRedirectsAndHeadersRoundTrip) {
  auto e = round_trip(std::string(kDefaults) +
                      "frontend web\n bind :80\n bind :443 ssl crt /etc/haproxy/site.pem alpn h2,http/1.1\n"
                      " http-request redirect location https://example.com%[path] code 301 if { path_beg /old/ }\n"
                      " http-request return status 503 content-type text/html string \"<h1>down</h1>\" if { path /maint }\n"
                      " http-request deny if { src 192.0.2.0/24 }\n"
                      " default_backend app\n"
                      "backend app\n option forwardfor\n http-request set-header X-Real-IP %[src]\n"
                      " http-request del-header X-Debug\n http-response set-header X-Frame-Options DENY\n"
                      " server s1 127.0.0.1:8080\n");
  EXPECT_EQ(e.differences, "") << e.text;
  EXPECT_TRUE(contains(e.text, "    bind :443 ssl crt /etc/haproxy/site.pem alpn h2,http/1.1\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request redirect location https://example.com%[path] code 301 if path_old\n"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request return status 503 content-type text/html string <h1>down</h1> if "
                               "path_maint_exact\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request deny if src_192_0_2_0_24\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request set-header X-Real-IP %[src]\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    http-response set-header X-Frame-Options DENY\n    option forwardfor\n")) << e.text;
}

TEST(HaproxyEmit, PathRewritesAndRetriesRoundTrip) {
  auto e = round_trip(std::string(kDefaults) +
                      "frontend web\n bind :8080\n use_backend api if { path_beg /api/ }\n"
                      "backend api\n retries 2\n option redispatch\n timeout server 90s\n"
                      " option httpchk GET /health\n http-check expect status 200-299\n"
                      " http-request replace-path ^/api/(.*) /\\1\n"
                      " server s1 10.0.0.1:80 check inter 5s fall 2\n server s2 10.0.0.2:80 check inter 5s fall 2\n");
  EXPECT_EQ(e.differences, "") << e.text;
  EXPECT_TRUE(contains(e.text, "frontend http_8080\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request replace-path ^/api/(.*) /\\1\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    option httpchk GET /health\n    http-check expect status 200-299\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    server s1 10.0.0.1:80 check inter 5s fall 2\n")) << e.text;
}

TEST(HaproxyEmit, VirtualHostsBecomeHostAclsInSelectionOrder) {
  auto c = compile_nginx(
      "events {}\nhttp {\n"
      " server { listen 80; server_name *.example.com; location / { proxy_pass http://127.0.0.1:1; } }\n"
      " server { listen 80; server_name api.example.com; location / { proxy_pass http://127.0.0.1:2; } }\n"
      " server { listen 80 default_server; server_name _; return 404; }\n"
      "}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  // The exact name is chosen before the wildcard; the default host takes the rest.
  auto exact = e.text.find("use_backend be_127_0_0_1_2 if host_api_example_com");
  auto wild = e.text.find("if host_example_com !host_api_example_com");
  EXPECT_NE(exact, std::string::npos) << e.text;
  EXPECT_NE(wild, std::string::npos) << e.text;
  EXPECT_LT(exact, wild) << e.text;
  EXPECT_TRUE(contains(e.text, "acl host_example_com hdr_end(host) -i .example.com .example.com:80\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "default_backend return_404")) << e.text;
}

TEST(HaproxyEmit, WhatHaproxyCannotExpressIsReported) {
  auto c = compile_nginx(
      "events {}\nhttp {\n"
      " map $http_x_tenant $shard { default a; }\n"
      " server { listen 80; location / { }\n"
      "   location /api/ { proxy_set_header X-Shard $shard; proxy_pass http://127.0.0.1:1; } }\n"
      "}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  EXPECT_TRUE(contains(e.losses, "haproxy cannot serve files; it answers 404")) << e.losses;
  EXPECT_TRUE(contains(e.losses, "haproxy cannot express the value of request header 'X-Shard' (the variable map)"))
      << e.losses;
}


TEST(HaproxyEmit, ErrorPagesBodyLimitsAndRetriesRoundTrip) {
  auto e = round_trip(std::string(kDefaults) +
                      " http-error status 503 content-type text/html string \"<p>busy</p>\" hdr Cache-Control no-cache\n"
                      " http-error status 502\n"
                      "frontend web\n bind :8080\n option http-buffer-request\n"
                      " http-request deny deny_status 413 if { req.body_size gt 4096 }\n default_backend app\n"
                      "backend app\n retries 2\n option redispatch\n retry-on conn-failure 502 503\n"
                      " server s1 10.0.0.1:80\n");
  EXPECT_EQ(e.differences, "") << e.text;
  EXPECT_TRUE(contains(e.text, "    http-error status 502\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "http-error status 503 content-type text/html string <p>busy</p> hdr Cache-Control no-cache\n"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "    option http-buffer-request\n    http-request deny deny_status 413 if { req.body_size gt 4096 }\n"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "    retry-on conn-failure empty-response 502 503\n")) << e.text;
}

TEST(HaproxyEmit, OtherProductsPagesBecomeHttpErrors) {
  // nginx's pages, and the runtime's for the statuses nginx lists none for.
  auto c = compile_haproxy(std::string(kDefaults) + "frontend web\n bind :8080\n default_backend app\n"
                           "backend app\n server s1 10.0.0.1:80\n");
  ASSERT_TRUE(c.config) << c.errors();
  ir::Config source = *c.config;
  source.responses = ir::GeneratedResponses{};
  source.responses.pages = {{504, "<html>gateway</html>"}};
  auto e = emit_from(source);
  EXPECT_TRUE(contains(e.text, "http-error status 504 content-type text/html string <html>gateway</html>\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "http-error status 502 content-type text/html string \"<html>\\r\\n<head><title>502 Bad Gateway"))
      << e.text;
  // What is left: the redirect conventions.
  EXPECT_FALSE(contains(e.differences, "pages")) << e.differences;
  EXPECT_FALSE(contains(e.differences, "page_fields")) << e.differences;
  // Caddy's: no body for any status.
  source.responses.pages.clear();
  source.responses.listed_pages_only = true;
  e = emit_from(source);
  EXPECT_TRUE(contains(e.text, "    http-error status 503\n")) << e.text;
  EXPECT_FALSE(contains(e.differences, "pages.")) << e.differences;
  EXPECT_TRUE(contains(e.differences, "listed_pages_only true")) << e.differences;
}

TEST(HaproxyEmit, RealClientAddressIsSetSrc) {
  auto e = round_trip(std::string(kDefaults) +
                      "frontend web\n bind :80\n http-request set-src hdr_ip(X-Forwarded-For,-1) if { src 10.0.0.0/8 }\n"
                      " default_backend app\nbackend app\n server s1 127.0.0.1:8080\n");
  EXPECT_EQ(e.differences, "") << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request set-src req.hdr_ip(X-Forwarded-For,-1) if { src 10.0.0.0/8 }\n"))
      << e.text;
  // nginx's realip: the same IR; recursive has no HAProxy form and is reported.
  auto c = compile_nginx("events {}\nhttp {\n server { listen 80; set_real_ip_from 10.0.0.0/8; set_real_ip_from ::1;\n"
                         "  real_ip_header X-Forwarded-For; real_ip_recursive on;\n"
                         "  location / { proxy_pass http://127.0.0.1:1; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto n = emit_from(*c.config);
  EXPECT_TRUE(contains(n.text, "    http-request set-src req.hdr_ip(X-Forwarded-For,-1) if { src 10.0.0.0/8 ::1 }\n"))
      << n.text;
  EXPECT_TRUE(contains(n.losses, "it cannot skip the trusted addresses from the right as real_ip_recursive does"))
      << n.losses;
  EXPECT_FALSE(contains(n.differences, "real_ip.trusted")) << n.differences;
  EXPECT_TRUE(contains(n.differences, "real_ip.recursive true vs")) << n.differences;
}

TEST(HaproxyEmit, BackendsAndAclsHaveReadableNames) {
  auto c = compile_nginx(
      "events {}\nhttp {\n upstream app { server 10.0.0.1:80; }\n"
      " server { listen 80;\n"
      "  location = /ws { return 301 /ws/; }\n"
      "  location /ws/ { proxy_pass http://app; proxy_read_timeout 1h; }\n"
      "  location /api/ { proxy_pass http://127.0.0.1:9090; }\n"
      "  location /v6/ { proxy_pass http://[::1]:8080; }\n"
      "  location / { proxy_pass http://app; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  // An address target is named after it; a second backend of one pool after its route.
  EXPECT_TRUE(contains(e.text, "use_backend be_127_0_0_1_9090 if path_api\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "use_backend be_v6_1_8080 if path_v6\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "backend app\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "use_backend app if path_ws\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "default_backend app_default\n")) << e.text;
  // An exact path and a prefix of the same name stay apart without numbers.
  EXPECT_TRUE(contains(e.text, "acl path_ws_exact path /ws\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "acl path_ws path_beg /ws/\n")) << e.text;
}

TEST(HaproxyEmit, EmptyValuesAreLeftOutAsNginxDoes) {
  auto c = compile_nginx("events {}\nhttp {\n server { listen 80; location / { proxy_pass http://127.0.0.1:1;\n"
                         "  proxy_set_header Upgrade $http_upgrade; proxy_set_header X-Client $http_x_client_id; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  EXPECT_TRUE(contains(e.text, "    http-request set-header Upgrade %[req.fhdr(upgrade)] if { req.hdr(upgrade) -m found }\n"))
      << e.text;
  EXPECT_FALSE(contains(e.differences, "request_headers.upgrade")) << e.differences;
  // Another header's value: HAProxy sends it empty; said twice.
  EXPECT_TRUE(contains(e.losses, "haproxy sends request header 'X-Client' with an empty value")) << e.losses;
  EXPECT_TRUE(contains(e.differences, "(no field when empty)\" vs")) << e.differences;
  // HAProxy's own: sent empty; the found-guarded form is nginx's.
  auto h = haproxy("frontend fe\n bind :80\n default_backend app\nbackend app\n"
                   " http-request set-header X-A %[req.fhdr(x-b)]\n"
                   " http-request set-header X-C %[req.fhdr(x-c)] if { req.hdr(x-c) -m found }\n"
                   " server s 127.0.0.1:1\n");
  const auto& ops = h.virtual_hosts[0].routes[0].request_headers;
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_FALSE(ops[0].omit_empty);
  EXPECT_TRUE(ops[1].omit_empty);
  EXPECT_EQ(h.virtual_hosts[0].routes.size(), 1u);  // not split by the condition
}

TEST(HaproxyEmit, ServerTimeoutIsTheReadTimeout) {
  // HAProxy's server timeout bounds the wait for the response: nginx's read timeout.
  auto c = compile_nginx("events {}\nhttp {\n server { listen 80;\n"
                         "  location /slow/ { proxy_pass http://127.0.0.1:2; proxy_read_timeout 5s; proxy_send_timeout 5s; }\n"
                         "  location / { proxy_pass http://127.0.0.1:1; proxy_read_timeout 1s; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  EXPECT_TRUE(contains(e.text, "    timeout server 1s\n")) << e.text;  // the defaults: the first proxy route's
  EXPECT_TRUE(contains(e.text, "    timeout server 5s\n")) << e.text;
  EXPECT_TRUE(contains(e.losses, "haproxy has one server timeout for reading and sending; the read timeout 1s is used, "
                                 "the send timeout 1m is not kept")) << e.losses;
  EXPECT_FALSE(contains(e.differences, "read_ms")) << e.differences;
  EXPECT_TRUE(contains(e.differences, "timeouts.send_ms 60000 vs")) << e.differences;
}

TEST(HaproxyEmit, RedirectsInBackendsKeepTheQuery) {
  // A redirect that an earlier use_backend may take requests from stays in a backend of
  // its own: %HQ there reads <BADREQ> unless the frontend uses %HQ itself (HAProxy 2.6
  // keeps the request line for its logs only then).
  auto c = round_trip(std::string(kDefaults) + "frontend web\n bind :8080\n"
                      " use_backend app if { path_beg /a/b }\n"
                      " use_backend moved if { path_beg /a/ }\n"
                      " default_backend app\n"
                      "backend app\n server s1 127.0.0.1:1\n"
                      "backend moved\n http-request redirect location /new%HQ code 301\n");
  EXPECT_TRUE(contains(c.text, "backend redirect_301\n    http-request redirect location /new%HQ code 301\n")) << c.text;
  EXPECT_TRUE(contains(c.text, "    http-request redirect location %HQ if FALSE\n"
                               "    use_backend app if path_a_b\n")) << c.text;
  EXPECT_FALSE(contains(c.differences, "action.redirect")) << c.differences;
  EXPECT_FALSE(contains(c.differences, "FALSE")) << c.differences;
}

TEST(HaproxyEmit, RedirectsNoEarlierRouteTakesAreFrontendRules) {
  // nginx's "/static" -> "/static/?query" after "location = /exact": no request of the
  // earlier route is one of the redirect's, so the frontend answers it before choosing a
  // backend, and needs no rule to keep %HQ.
  auto c = compile_nginx("events {}\nhttp {\n server { listen 80;\n"
                         "  location = /exact { proxy_pass http://127.0.0.1:1; }\n"
                         "  location /static/ { proxy_pass http://127.0.0.1:2; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  EXPECT_TRUE(contains(e.text, "    http-request redirect location /static/%HQ code 301 if path_static_exact\n"
                               "    use_backend be_127_0_0_1_1 if path_exact_exact\n")) << e.text;
  EXPECT_FALSE(contains(e.text, "backend redirect_301")) << e.text;
  EXPECT_FALSE(contains(e.text, "if FALSE")) << e.text;
  EXPECT_FALSE(contains(e.differences, "action.redirect")) << e.differences;
  EXPECT_FALSE(contains(e.differences, "route path_exact(/static) only in")) << e.differences;
  // A redirect the frontend answers needs nothing more.
  auto f = compile_nginx("events {}\nhttp {\n server { listen 80; rewrite ^/old/(.*)$ /new/$1 permanent;\n"
                         "  location / { proxy_pass http://127.0.0.1:1; } }\n}\n");
  ASSERT_TRUE(f.config) << f.errors();
  auto g = emit_from(*f.config);
  EXPECT_TRUE(contains(g.text, "%HQ' code 301 if path_re_old\n")) << g.text;
  EXPECT_FALSE(contains(g.text, "if FALSE")) << g.text;
}

TEST(HaproxyEmit, RegexCapturesOfTheRouteInRedirects) {
  // Caddy's path_regexp captures: a "^/old/(.*)$" capture is the path after the prefix.
  auto c = compile_caddy("http://:8080 {\n\t@old path_regexp old ^/old/(.*)$\n\tredir @old /new/{re.old.1} 301\n"
                         "\treverse_proxy 127.0.0.1:9000\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  EXPECT_TRUE(contains(e.text, "    acl path_old path_beg /old/\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request redirect location '/new/%[path,regsub(\"^/old/\",\"\")]' code 301 if "
                               "path_old\n")) << e.text;
  EXPECT_FALSE(contains(e.differences, "action.redirect")) << e.differences;
  EXPECT_FALSE(contains(e.differences, "route path_prefix(/old/) vs")) << e.differences;  // the same matcher
  EXPECT_FALSE(contains(e.losses, "redirects to /")) << e.losses;
  // Other regexes: each capture is the path with the regex substituted by the group.
  auto v = compile_caddy("http://:8080 {\n\t@v path_regexp v ^/v([0-9]+)/(.*)$\n\tredir @v /api/{re.v.2}?version={re.v.1}\n"
                         "\treverse_proxy 127.0.0.1:9000\n}\n");
  ASSERT_TRUE(v.config) << v.errors();
  auto w = emit_from(*v.config);
  EXPECT_TRUE(contains(w.text, "http-request redirect location '/api/%[path,regsub(\"^/v([0-9]+)/(.*)$\",\"\\2\")]"
                               "?version=%[path,regsub(\"^/v([0-9]+)/(.*)$\",\"\\1\")]' code 302 if path_re_v_0_9\n"))
      << w.text;
  EXPECT_FALSE(contains(w.losses, "redirects to /")) << w.losses;
}

TEST(HaproxyEmit, PoolsAMapOfAHeaderPicksAreUseBackendRules) {
  auto c = compile_nginx("events {}\nhttp {\n map $http_upgrade $pool { default app; websocket ws; }\n"
                         " upstream app { server 127.0.0.1:1; }\n upstream ws { server 127.0.0.1:2; }\n"
                         " server { listen 80; location / { proxy_pass http://$pool; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  EXPECT_TRUE(contains(e.text, "    acl hdr_upgrade_websocket hdr(upgrade) -i websocket\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    use_backend ws if hdr_upgrade_websocket\n    default_backend app\n")) << e.text;
  // $proxy_host is the map's value: the pool's name.
  EXPECT_TRUE(contains(e.text, "backend ws\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "    http-request set-header Host ws\n")) << e.text;
  EXPECT_FALSE(contains(e.losses, "dynamic proxy target")) << e.losses;
  // The routes the comparer makes of the map are those read back.
  EXPECT_FALSE(contains(e.differences, "only in A: proxy")) << e.differences;
  EXPECT_FALSE(contains(e.differences, "only in B: proxy")) << e.differences;
  EXPECT_FALSE(contains(e.differences, "dynamic_target")) << e.differences;
  EXPECT_FALSE(contains(e.differences, "maps")) << e.differences;
}

TEST(HaproxyEmit, ErrorPagesForTheProxysOwnErrorsAreHttpErrors) {
  // nginx's 502 (server unreachable) becomes HAProxy's 503: a page answering 503 is
  // HAProxy's 503 page; HAProxy's 502 and 504 keep their status (reported).
  auto c = compile_nginx("events {}\nhttp {\n server { listen 80;\n"
                         "  location / { proxy_pass http://127.0.0.1:1; error_page 502 504 = @maintenance; }\n"
                         "  location @maintenance { default_type text/plain; return 503 \"maintenance\"; } }\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  auto e = emit_from(*c.config);
  EXPECT_TRUE(contains(e.text, "    http-error status 503 content-type text/plain string maintenance\n"
                               "    server s1 127.0.0.1:1\n")) << e.text;
  EXPECT_TRUE(contains(e.losses, "haproxy answers an invalid server response (502 where the page answers 503), a "
                                 "server timeout (504 where the page answers 503) with its own status and page"))
      << e.losses;
  // Caddy's handle_errors: the same.
  auto d = compile_caddy("http://:8080 {\n\treverse_proxy 127.0.0.1:9000\n\thandle_errors {\n"
                         "\t\trespond \"maintenance\" 503\n\t}\n}\n");
  ASSERT_TRUE(d.config) << d.errors();
  auto f = emit_from(*d.config);
  EXPECT_TRUE(contains(f.text, "    http-error status 503 content-type text/plain string maintenance\n")) << f.text;
  // HAProxy's own: the same text back.
  auto h = round_trip(std::string(kDefaults) + "frontend web\n bind :8080\n default_backend app\n"
                      "backend app\n http-error status 503 content-type text/plain string maintenance\n"
                      " server s1 10.0.0.1:80\n");
  EXPECT_EQ(h.differences, "") << h.text;
  EXPECT_TRUE(contains(h.text, "    http-error status 503 content-type text/plain string maintenance\n")) << h.text;
  EXPECT_EQ(h.losses, "") << h.losses;
}

}  // namespace
}  // namespace pg::test
