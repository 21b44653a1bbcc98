// The nginx emitter: IR -> nginx.conf. Each test translates a small configuration,
// checks the text of the construct it is about, and that proxyglot's own nginx front
// end reads the text back as the same IR (ir::compare finds no difference).
#include <gtest/gtest.h>

#include "emitters.h"
#include "ir/equivalence.h"
#include "ir/matchers.h"
#include "nginx/emit_writer.h"
#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

struct Emitted {
  std::string text;
  Diagnostics losses;
  std::optional<ir::Config> reread;
  Diagnostics reread_diags;
  std::vector<ir::Difference> differences;
};

Emitted emit_config(const ir::Config& c) {
  Emitted e;
  e.text = nginx::emit(c, e.losses);
  auto back = compile_nginx(e.text, "translated nginx.conf");
  e.reread = back.config;
  e.reread_diags = back.diags;
  if (e.reread) e.differences = ir::compare(c, *e.reread);
  return e;
}

// nginx text -> IR -> nginx text -> IR: the two IRs must be equal.
Emitted round_trip(std::string_view http_body) {
  ir::Config c = http(http_body);
  Emitted e = emit_config(c);
  EXPECT_TRUE(e.reread.has_value()) << e.reread_diags.to_string() << "\n" << e.text;
  EXPECT_FALSE(e.reread_diags.has_errors()) << e.reread_diags.to_string() << "\n" << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences) << "\n" << e.text;
  return e;
}

bool contains(const std::string& text, const std::string& piece) { return text.find(piece) != std::string::npos; }

ir::Route proxy_route(const std::string& pool, ir::Matcher m) {
  ir::Route r;
  r.match = std::move(m);
  r.action.kind = ir::ActionKind::proxy;
  r.action.proxy.emplace();
  r.action.proxy->pool = pool;
  r.action.proxy->authority = pool;
  r.action.proxy->protocol = ir::UpstreamProtocol::http1_1;
  r.action.proxy->set_headers_first = true;
  r.action.proxy->retry.on = {ir::RetryOn::error, ir::RetryOn::timeout};
  r.access_logs.push_back({SourceLoc{}, "/var/log/nginx/access.log", "combined"});
  r.limits.idle_timeout_ms = 60000;  // nginx's client_header/body_timeout and send_timeout
  r.request_headers.push_back({SourceLoc{}, ir::HeaderOpKind::set, "Host", {{{ir::Var::request_header, "host"}}}, true, "", {}});
  return r;
}

// An IR as another dialect's front end would write it: one listener, one host, pools.
ir::Config foreign(std::vector<ir::Route> routes, std::vector<ir::Pool> pools) {
  ir::Config c = http("server { listen 8080; }");
  c.pools = std::move(pools);
  c.virtual_hosts[0].routes = std::move(routes);
  return c;
}

ir::Pool pool_of(const std::string& name, std::vector<std::pair<std::string, int>> servers) {
  ir::Pool p;
  p.name = name;
  for (auto& [a, port] : servers) {
    ir::UpstreamServer s;
    s.address = a;
    s.port = port;
    p.servers.push_back(s);
  }
  return p;
}

TEST(NginxEmit, QuotesOnlyWhatNeedsIt) {
  using nginx::emitter::quote;
  EXPECT_EQ(quote("/api/"), "/api/");
  EXPECT_EQ(quote(""), "\"\"");
  EXPECT_EQ(quote("a b"), "\"a b\"");
  EXPECT_EQ(quote("^/v\\d{2}/"), "\"^/v\\d{2}/\"");
  EXPECT_EQ(quote("\\.php$"), "\\.php$");
  EXPECT_EQ(quote("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(quote("a\\n"), "\"a\\\\n\"");
}

TEST(NginxEmit, CompleteFileWithGlobalsEventsAndHttp) {
  auto c = compile_nginx(R"(
    worker_processes 4;
    daemon off;
    error_log /var/log/pg.log warn;
    events { worker_connections 2048; }
    http { server { listen 8080; location / { return 204; } } }
  )");
  ASSERT_TRUE(c.config) << c.errors();
  Emitted e = emit_config(*c.config);
  EXPECT_TRUE(contains(e.text, "worker_processes 4;\ndaemon off;\nerror_log /var/log/pg.log warn;\n\n"
                               "events {\n    worker_connections 2048;\n}\n\nhttp {\n"))
      << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences);
}

TEST(NginxEmit, RoundTripsLocationsOfEveryKind) {
  Emitted e = round_trip(R"(
    server {
      listen 8080;
      location / { return 200 root; }
      location = /health { return 204; }
      location ^~ /static/ { return 200 static; }
      location ~ \.php$ { return 404; }
      location ~* \.(gif|jpg)$ { return 403; }
      location /docs/ { return 301 https://docs.example.com$request_uri; }
    }
  )");
  EXPECT_TRUE(contains(e.text, "    location ^~ /static/ {\n            return 200 static;\n        }\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "location ~* \\.(gif|jpg)$ {")) << e.text;
}

TEST(NginxEmit, RoundTripsUpstreamsWithEveryParameter) {
  Emitted e = round_trip(R"(
    upstream app {
      least_conn;
      server 10.0.0.1:8000 weight=3 max_fails=2 fail_timeout=30s;
      server 10.0.0.2:8000 max_conns=100;
      server 10.0.0.3:8000 backup;
      server 10.0.0.4:8000 down;
      keepalive 16;
      keepalive_timeout 30s;
      keepalive_requests 500;
    }
    upstream cache { hash $request_uri consistent; server 10.0.1.1; server 10.0.1.2; }
    upstream pick { random two least_conn; server 10.0.2.1:80; server 10.0.2.2:80; }
    server {
      listen 80;
      location / { proxy_pass http://app; }
      location /c/ { proxy_pass http://cache; }
      location /p/ { proxy_pass http://pick; }
    }
  )");
  EXPECT_TRUE(contains(e.text, "    upstream app {\n        least_conn;\n"
                               "        server 10.0.0.1:8000 weight=3 max_fails=2 fail_timeout=30s;\n"
                               "        server 10.0.0.2:8000 max_conns=100;\n"
                               "        server 10.0.0.3:8000 backup;\n"
                               "        server 10.0.0.4:8000 down;\n"
                               "        keepalive 16;\n        keepalive_timeout 30s;\n        keepalive_requests 500;\n    }\n"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "hash $request_uri consistent;")) << e.text;
  EXPECT_TRUE(contains(e.text, "random two least_conn;")) << e.text;
}

TEST(NginxEmit, RoundTripsProxySettingsHeadersAndTemplates) {
  Emitted e = round_trip(R"(
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    server {
      listen 80;
      server_name example.com *.example.org;
      client_max_body_size 10m;
      add_header X-Served-By $hostname always;
      location /ws/ {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Id ${host}x;
        proxy_read_timeout 1h;
        proxy_buffering off;
        proxy_next_upstream error timeout http_502;
        proxy_next_upstream_tries 3;
        proxy_redirect http://backend/ /;
        proxy_pass http://127.0.0.1:9000/app/;
      }
      location /api/ {
        proxy_set_header Host $host;
        proxy_pass http://127.0.0.1:9001;
      }
    }
  )");
  // The auto-redirect of /ws to /ws/ is itself an exact location.
  EXPECT_TRUE(contains(e.text, "location = /ws {\n            return 301 /ws/$is_args$args;\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "proxy_pass http://127.0.0.1:9000/app/;\n            proxy_redirect http://backend/ /;\n"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "add_header X-Served-By $hostname always;")) << e.text;
}

TEST(NginxEmit, RoundTripsRegexesBehindCaretTilde) {
  round_trip(R"(
    server {
      listen 80;
      location ^~ /assets/ { return 200 a; }
      location ~* \.png$ { return 200 png; }
      location / { return 200 root; }
    }
  )");
}

TEST(NginxEmit, RoundTripsRewritesErrorPagesAccessAndLogs) {
  Emitted e = round_trip(R"(
    log_format main escape=json '{"a":"$remote_addr","s":$status}';
    server {
      listen 80;
      access_log /var/log/nginx/a.log main;
      error_page 404 = @missing;
      error_page 502 503 =503 /maintenance.html;
      rewrite ^/old/(.*)$ /new/$1 permanent;
      location / {
        allow 10.0.0.0/8;
        deny all;
        rewrite ^/x/(.*)$ /y/$1? break;
        proxy_pass http://127.0.0.1:9000;
      }
      location @missing { return 404 gone; }
      location = /maintenance.html { internal; return 503 "down"; }
    }
  )");
  EXPECT_TRUE(contains(e.text, "log_format main escape=json \"{\\\"a\\\":\\\"$remote_addr\\\",\\\"s\\\":$status}\";"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "rewrite ^/x/(.*)$ /y/$1? break;")) << e.text;
}

TEST(NginxEmit, RoundTripsTlsAndRealIp) {
  round_trip(R"(
    server {
      listen 443 ssl http2;
      listen [::]:443 ssl;
      server_name secure.example.com;
      ssl_certificate /etc/ssl/a.pem;
      ssl_certificate_key /etc/ssl/a.key;
      ssl_protocols TLSv1.2 TLSv1.3;
      set_real_ip_from 10.0.0.0/8;
      real_ip_header X-Forwarded-For;
      real_ip_recursive on;
      location / { return 200; }
    }
  )");
}

// From another dialect: a prefix route before a regex route must win over it, so it
// is ^~; a proxied "/api/" gets "= /api" so that nginx does not redirect /api.
TEST(NginxEmit, PrefixBeforeRegexBecomesCaretTilde) {
  auto c = foreign({proxy_route("api", ir::pred(ir::PredKind::path_prefix, "/api/")),
                    proxy_route("img", ir::pred(ir::PredKind::path_regex, "\\.png$")),
                    proxy_route("web", ir::always())},
                   {pool_of("api", {{"10.0.0.1", 80}}), pool_of("img", {{"10.0.0.2", 80}}),
                    pool_of("web", {{"10.0.0.3", 80}})});
  Emitted e = emit_config(c);
  EXPECT_TRUE(contains(e.text, "location ^~ /api/ {")) << e.text;
  EXPECT_TRUE(contains(e.text, "location ~ \\.png$ {")) << e.text;
  EXPECT_TRUE(contains(e.text, "\n        # keeps nginx from redirecting /api to /api/\n        location = /api {\n")) << e.text;
  ASSERT_TRUE(e.reread);
  // nginx's order selects the same route for each path.
  EXPECT_EQ(route_for(*e.reread, "/api/x.png"), "location ^~ /api/");
  EXPECT_EQ(route_for(*e.reread, "/img/x.png"), "location ~ \\.png$");
  EXPECT_EQ(route_for(*e.reread, "/api"), "location = /api");
  EXPECT_EQ(route_for(*e.reread, "/other"), "location /");
}

TEST(NginxEmit, CaseInsensitivePrefixIsAnAnchoredRegex) {
  auto c = foreign({proxy_route("api", ir::pred(ir::PredKind::path_prefix, "/API/", "", true)),
                    proxy_route("web", ir::always())},
                   {pool_of("api", {{"10.0.0.1", 80}}), pool_of("web", {{"10.0.0.3", 80}})});
  Emitted e = emit_config(c);
  EXPECT_TRUE(contains(e.text, "location ~* ^/API/ {")) << e.text;
  ASSERT_TRUE(e.reread);
  EXPECT_EQ(route_for(*e.reread, "/api/v1"), "location ~* ^/API/");
}

TEST(NginxEmit, ForeignDefaultsBecomeExplicitDirectives) {
  ir::Route r = proxy_route("app", ir::always());
  auto& p = *r.action.proxy;
  p.set_headers_first = false;
  p.upgrade = true;
  p.timeouts.connect_ms = 3000;
  p.buffering.response = false;
  p.retry.on.clear();
  p.redirect_rewrite.mode = ir::RedirectRewriteMode::off;
  r.request_headers.push_back({SourceLoc{}, ir::HeaderOpKind::set, "X-Forwarded-For", {{{ir::Var::client_address, ""}}}, true, "", {}});
  r.limits.max_body_bytes = 0;
  auto c = foreign({r}, {pool_of("app", {{"localhost", 8000}})});
  c.pools[0].keepalive.max_idle = 32;
  Emitted e = emit_config(c);
  EXPECT_TRUE(contains(e.text, "    upstream app {\n        server localhost:8000;\n        keepalive 32;\n    }\n")) << e.text;
  // The only location's body limit is the server's: written once, there.
  EXPECT_TRUE(contains(e.text, "        listen 8080;\n        client_max_body_size 0;\n")) << e.text;
  EXPECT_TRUE(contains(e.text,
                       "        location / {\n"
                       "            proxy_http_version 1.1;\n"
                       "            proxy_connect_timeout 3s;\n"
                       "            proxy_buffering off;\n"
                       "            proxy_next_upstream off;\n"
                       "            proxy_set_header Host $http_host;\n"
                       "            proxy_set_header X-Forwarded-For $remote_addr;\n"
                       "            proxy_set_header Upgrade $http_upgrade;\n"
                       "            proxy_set_header Connection $connection_upgrade;\n"
                       "            proxy_pass http://app;\n"
                       "            proxy_redirect off;\n"
                       "        }\n"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "map $http_upgrade $connection_upgrade {")) << e.text;
  EXPECT_FALSE(e.reread_diags.has_errors()) << e.reread_diags.to_string();
}

TEST(NginxEmit, HostMatchersBecomeServerBlocks) {
  ir::Route blog = proxy_route("blog", ir::pred(ir::PredKind::header_exact, "blog.example.com", "Host", true));
  blog.match.predicate->name = "host";
  blog.match.predicate->value = "blog.example.com";
  auto c = foreign({blog, proxy_route("web", ir::always())},
                   {pool_of("blog", {{"10.0.0.1", 80}}), pool_of("web", {{"10.0.0.3", 80}})});
  Emitted e = emit_config(c);
  ASSERT_TRUE(e.reread) << e.reread_diags.to_string();
  ASSERT_EQ(e.reread->virtual_hosts.size(), 2u) << e.text;
  EXPECT_TRUE(contains(e.text, "server_name blog.example.com;")) << e.text;
  // The host's own server stays the listener's default.
  EXPECT_EQ(e.reread->listeners[0].default_virtual_host, 0);
}

TEST(NginxEmit, ClientLimitsBufferingHiddenFieldsAndAbsoluteRedirects) {
  ir::Route r = proxy_route("app", ir::always());
  r.action.proxy->buffering.request = false;
  r.response_headers.push_back({SourceLoc{}, ir::HeaderOpKind::remove, "X-Powered-By", {}, true, "", {}});
  r.response_headers.push_back({SourceLoc{}, ir::HeaderOpKind::add, "X-Frame-Options", {{{ir::Var::literal, "DENY"}}}, true, "", {}});
  auto c = foreign({r}, {pool_of("app", {{"10.0.0.1", 80}})});
  c.responses.absolute_redirects = false;
  for (ir::Route* x : {&c.virtual_hosts[0].routes[0], &c.virtual_hosts[0].fallback}) {
    x->limits.idle_timeout_ms = 30000;
    x->limits.header_block_bytes = 15360;  // HAProxy's: the head only, no line limits
    x->limits.header_line_bytes = 0;
    x->limits.request_line_bytes = 0;
  }
  Emitted e = emit_config(c);
  EXPECT_TRUE(contains(e.text, "    absolute_redirect off;\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "        client_header_timeout 30s;\n        large_client_header_buffers 1 15k;\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "        client_body_timeout 30s;\n        send_timeout 30s;\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "proxy_request_buffering off;")) << e.text;
  EXPECT_TRUE(contains(e.text, "proxy_hide_header X-Powered-By;")) << e.text;
  ASSERT_TRUE(e.reread) << e.reread_diags.to_string();
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences) << "\n" << e.text;
}

TEST(NginxEmit, GrpcTimeoutsRoundTrip) {
  round_trip("server { location / { grpc_pass grpc://127.0.0.1:50051; grpc_read_timeout 1h; grpc_connect_timeout 5s; } }");
}

TEST(NginxEmit, HeaderRoutesBecomeAMapOfPools) {
  auto pick = [](const std::string& pool, ir::Matcher m) {
    ir::Route r = proxy_route(pool, std::move(m));
    r.action.proxy->redirect_rewrite.mode = ir::RedirectRewriteMode::off;
    return r;
  };
  auto c = foreign({pick("ws", ir::pred(ir::PredKind::header_exact, "websocket", "Upgrade", true)),
                    pick("h2", ir::pred(ir::PredKind::header_regex, "^h2", "Upgrade", false)),
                    pick("app", ir::always())},
                   {pool_of("app", {{"10.0.0.1", 80}}), pool_of("ws", {{"10.0.0.2", 80}}), pool_of("h2", {{"10.0.0.3", 80}})});
  Emitted e = emit_config(c);
  EXPECT_TRUE(contains(e.text,
                       "    map $http_upgrade $pool_by_upgrade {\n"
                       "        default app;\n"
                       "        websocket ws;\n"
                       "        ~^h2 h2;\n"
                       "    }\n"))
      << e.text;
  EXPECT_TRUE(contains(e.text, "proxy_pass http://$pool_by_upgrade;")) << e.text;
  EXPECT_FALSE(contains(e.losses.to_string(), "cannot select a location")) << e.losses.to_string();
  ASSERT_TRUE(e.reread) << e.reread_diags.to_string();
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences) << "\n" << e.text;

  // A regex that matches an empty value would also take requests without the field.
  auto d = foreign({pick("ws", ir::pred(ir::PredKind::header_regex, "x*", "Upgrade")), pick("app", ir::always())},
                   {pool_of("app", {{"10.0.0.1", 80}}), pool_of("ws", {{"10.0.0.2", 80}})});
  Emitted f = emit_config(d);
  EXPECT_FALSE(contains(f.text, "map $http_upgrade")) << f.text;
  EXPECT_TRUE(contains(f.losses.to_string(), "cannot select a location")) << f.losses.to_string();
}

TEST(NginxEmit, WhatNginxCannotExpressIsALoss) {
  ir::Route canary = proxy_route("canary", ir::pred(ir::PredKind::header_present, "", "X-Canary"));
  auto c = foreign({canary, proxy_route("web", ir::always())},
                   {pool_of("canary", {{"10.0.0.1", 80}}), pool_of("web", {{"10.0.0.3", 80}})});
  c.pools[1].health_check.emplace();
  c.pools[1].balancing.policy = ir::Balance::cookie;
  c.pools[1].balancing.key.parts.push_back({ir::Var::literal, "lb"});
  Emitted e = emit_config(c);
  std::string losses = e.losses.to_string();
  EXPECT_TRUE(contains(losses, "nginx cannot select a location by header_present")) << losses;
  EXPECT_TRUE(contains(losses, "no active health checks")) << losses;
  EXPECT_TRUE(contains(losses, "no cookie stickiness")) << losses;
  EXPECT_TRUE(contains(e.text, "ip_hash;")) << e.text;
}

// HAProxy's option forwardfor: the client address as an X-Forwarded-For line after the
// client's, which (list fields combine with ", ") is $proxy_add_x_forwarded_for.
TEST(NginxEmit, AppendedForwardedForIsProxyAddXForwardedFor) {
  ir::Route r = proxy_route("app", ir::always());
  r.request_headers.push_back({SourceLoc{}, ir::HeaderOpKind::add, "X-Forwarded-For", {{{ir::Var::client_address, ""}}}, true, "", {}});
  Emitted e = emit_config(foreign({r}, {pool_of("app", {{"10.0.0.1", 80}})}));
  EXPECT_TRUE(contains(e.text, "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n")) << e.text;
  EXPECT_FALSE(contains(e.losses.to_string(), "X-Forwarded-For")) << e.losses.to_string();
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences) << e.text;
}

// "path /admin/ and not client C -> 403" before a route taking /admin/: the location's
// access list.
TEST(NginxEmit, RefusalRouteBecomesTheLocationsAccessList) {
  ir::Route refuse;
  refuse.match = ir::all_of({ir::pred(ir::PredKind::path_prefix, "/admin/"),
                             ir::negate(ir::pred(ir::PredKind::client_cidr, "10.0.0.0/8"))});
  refuse.action.kind = ir::ActionKind::respond;
  refuse.action.respond = ir::RespondAction{403, std::nullopt};
  ir::Route proxy = proxy_route("app", ir::always());
  refuse.access_logs = proxy.access_logs;
  refuse.limits = proxy.limits;
  Emitted e = emit_config(foreign({refuse, proxy}, {pool_of("app", {{"10.0.0.1", 80}})}));
  EXPECT_TRUE(contains(e.text,
                       "        location /admin/ {\n"
                       "            allow 10.0.0.0/8;\n"
                       "            deny all;\n"))
      << e.text;
  EXPECT_FALSE(contains(e.losses.to_string(), "left out")) << e.losses.to_string();
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences) << e.text;
}

// HAProxy answers 503 where nginx answers 502; an errorfile is a named location that
// answers with the file's body and content type.
TEST(NginxEmit, ProxyFailureStatusAndErrorfileAsErrorPages) {
  ir::Route r = proxy_route("app", ir::always());
  r.action.proxy->no_server_status = r.action.proxy->connect_error_status = 503;
  Emitted plain = emit_config(foreign({r}, {pool_of("app", {{"10.0.0.1", 80}})}));
  EXPECT_TRUE(contains(plain.text, "error_page 502 =503 @proxy_503;\n")) << plain.text;
  EXPECT_TRUE(contains(plain.text, "        location @proxy_503 {\n            internal;\n            return 503;\n        }\n"))
      << plain.text;
  EXPECT_TRUE(contains(plain.losses.to_string(), "nginx answers 502 for an invalid upstream response too")) << plain.losses.to_string();
  EXPECT_TRUE(plain.differences.empty()) << ir::format_differences(plain.differences) << plain.text;

  ir::Route page = r;
  page.name = "errorfile 503 /etc/haproxy/503.http";
  page.internal = true;
  page.action = ir::Action{};
  page.action.kind = ir::ActionKind::respond;
  page.action.respond = ir::RespondAction{503, ir::Template{{{ir::Var::literal, "maintenance"}}}};
  page.request_headers.clear();
  auto field = [](const char* n, const char* v) {
    return ir::HeaderOp{SourceLoc{}, ir::HeaderOpKind::set, n, {{{ir::Var::literal, v}}}, true, "", {}, false};
  };
  page.response_headers = {field("Content-Type", "text/html"), field("Content-Length", "11"), field("Connection", "close")};
  r.error_pages.push_back({SourceLoc{}, {503}, ir::ErrorStatus::from_target, 0, ir::ErrorTarget::named_route,
                           {{{ir::Var::literal, page.name}}}});
  auto c = foreign({r}, {pool_of("app", {{"10.0.0.1", 80}})});
  c.virtual_hosts[0].named_routes.push_back(page);
  Emitted e = emit_config(c);
  EXPECT_TRUE(contains(e.text, "error_page 503 = @errorfile_503;\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "error_page 502 = @errorfile_503;\n")) << e.text;
  EXPECT_TRUE(contains(e.text, "default_type text/html;\n")) << e.text;
  EXPECT_FALSE(contains(e.text, "add_header")) << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences) << e.text;
}

// Active checks approximated by passive ones: max_fails=fall, fail_timeout=inter x rise
// (whole seconds), and failed requests go on to the next server.
TEST(NginxEmit, ActiveChecksApproximatedByPassiveOnes) {
  ir::Route r = proxy_route("app", ir::always());
  r.action.proxy->retry.on.clear();
  auto c = foreign({r}, {pool_of("app", {{"10.0.0.1", 80}, {"10.0.0.2", 80}})});
  for (auto& s : c.pools[0].servers) s.max_fails = 0;
  c.pools[0].health_check.emplace();
  c.pools[0].health_check->interval_ms = 200;
  c.pools[0].health_check->rise = 2;
  c.pools[0].health_check->fall = 3;
  Emitted e = emit_config(c);
  EXPECT_TRUE(contains(e.text, "server 10.0.0.1:80 max_fails=3 fail_timeout=1s;\n")) << e.text;
  EXPECT_FALSE(contains(e.text, "proxy_next_upstream off")) << e.text;
  EXPECT_TRUE(contains(e.losses.to_string(), "passive checks approximate them: max_fails=3 (fall) fail_timeout=1s"))
      << e.losses.to_string();
  // What stays different: the checks themselves.
  ASSERT_EQ(e.differences.size(), 1u) << ir::format_differences(e.differences);
  EXPECT_TRUE(contains(e.differences[0].what, "health_check")) << ir::format_differences(e.differences);
}

// A redirect to the path with its prefix replaced (HAProxy's regsub(^/old/,)): a regex
// location capturing the rest.
TEST(NginxEmit, RegsubOfThePrefixIsACapture) {
  ir::Route r;
  r.match = ir::pred(ir::PredKind::path_prefix, "/old/");
  r.action.kind = ir::ActionKind::redirect;
  r.action.redirect = ir::RedirectAction{301, {{{ir::Var::literal, "/new/"},
                                                {ir::Var::path, "", {ir::Converter{"regsub", {"^/old/", ""}}}}}}};
  r.access_logs.push_back({SourceLoc{}, "/var/log/nginx/access.log", "combined"});
  r.limits.idle_timeout_ms = 60000;
  Emitted e = emit_config(foreign({r, proxy_route("app", ir::always())}, {pool_of("app", {{"10.0.0.1", 80}})}));
  EXPECT_TRUE(contains(e.text, "        location ~ ^/old/(.*) {\n            return 301 /new/$1;\n        }\n")) << e.text;
  EXPECT_TRUE(e.differences.empty()) << ir::format_differences(e.differences) << e.text;
  // Another regex cannot be said so: a loss, and the compare sees the difference.
  r.action.redirect->location.parts[1].converters[0].args[0] = "^/o+ld/";
  Emitted other = emit_config(foreign({r, proxy_route("app", ir::always())}, {pool_of("app", {{"10.0.0.1", 80}})}));
  EXPECT_TRUE(contains(other.losses.to_string(), "regsub")) << other.losses.to_string();
  EXPECT_FALSE(other.differences.empty()) << other.text;
}

// Nested locations: the inner location's path alone (the outer prefix and the other
// locations it excludes are implied), in nginx's order for disjoint locations.
TEST(NginxEmit, NestedLocationsBecomePlainLocations) {
  Emitted e = round_trip(R"(server { listen 80;
    location /v1/ { proxy_pass http://127.0.0.1:8000;
      location /v1/uploads/ { proxy_pass http://127.0.0.1:8001; }
      location ~ ^/v1/export/ { proxy_pass http://127.0.0.1:8002; } }
    location /v1/auth/ { proxy_pass http://127.0.0.1:8003; } })");
  EXPECT_TRUE(contains(e.text, "location /v1/uploads/ {")) << e.text;
  EXPECT_TRUE(contains(e.text, "location ~ ^/v1/export/ {")) << e.text;
}

}  // namespace
}  // namespace pg::test
