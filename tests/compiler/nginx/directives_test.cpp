// Each supported directive and what it writes into the IR, defaults included.
#include <gtest/gtest.h>

#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

const ir::Pool& pool(const ir::Config& c, const std::string& name) {
  for (const auto& p : c.pools)
    if (p.name == name) return p;
  static const ir::Pool none;
  ADD_FAILURE() << "no pool " << name;
  return none;
}

const ir::ProxyAction& proxy(const ir::Config& c, const std::string& route, size_t vh = 0) {
  const auto& r = route_named(c, route, vh);
  static const ir::ProxyAction none;
  if (!r.action.proxy) {
    ADD_FAILURE() << route << " does not proxy";
    return none;
  }
  return *r.action.proxy;
}

const ir::HeaderOp* header(const std::vector<ir::HeaderOp>& ops, const std::string& name) {
  for (const auto& h : ops)
    if (h.name == name) return &h;
  return nullptr;
}

TEST(MainDirectives, WorkerAndProcessSettings) {
  auto r = compile_nginx(R"(
    worker_processes 4;
    pid /run/pg.pid;
    daemon off;
    user www-data adm;
    error_log /var/log/pg.log warn;
    events { worker_connections 2048; }
  )");
  ASSERT_TRUE(r.config) << r.errors();
  const auto& g = r.config->globals;
  EXPECT_EQ(g.worker_threads, 4);
  EXPECT_EQ(g.worker_connections, 2048);
  EXPECT_EQ(g.pid_file, "/run/pg.pid");
  EXPECT_FALSE(g.daemon);
  EXPECT_EQ(g.user, "www-data:adm");
  ASSERT_EQ(g.error_logs.size(), 1u);
  EXPECT_EQ(g.error_logs[0].path, "/var/log/pg.log");
  EXPECT_EQ(g.error_logs[0].level, "warn");
}

TEST(MainDirectives, Defaults) {
  auto r = compile_nginx("events {}\n");
  ASSERT_TRUE(r.config) << r.errors();
  const auto& g = r.config->globals;
  EXPECT_FALSE(g.worker_threads.has_value());  // nginx 1.22 default is 1; Debian ships "auto"
  EXPECT_EQ(g.worker_connections, 512);
  EXPECT_TRUE(g.daemon);
  ASSERT_EQ(g.error_logs.size(), 1u);
  EXPECT_EQ(g.error_logs[0].path, "/var/log/nginx/error.log");
}

TEST(Upstream, ServersAndParameters) {
  auto c = http(R"(
    upstream app {
      server 10.0.0.1:8080 weight=5 max_fails=3 fail_timeout=30s max_conns=100;
      server 10.0.0.2 backup;
      server [::1]:9000 down;
      server unix:/run/app.sock;
    }
    server { location / { proxy_pass http://app; } }
  )");
  const auto& p = pool(c, "app");
  EXPECT_FALSE(p.implicit);
  ASSERT_EQ(p.servers.size(), 4u);
  EXPECT_EQ(p.servers[0].address, "10.0.0.1");
  EXPECT_EQ(p.servers[0].port, 8080);
  EXPECT_EQ(p.servers[0].weight, 5);
  EXPECT_EQ(p.servers[0].max_fails, 3);
  EXPECT_EQ(p.servers[0].fail_timeout_ms, 30000);
  EXPECT_EQ(p.servers[0].max_conns, 100);
  EXPECT_EQ(p.servers[1].port, 80);  // nginx's default port
  EXPECT_TRUE(p.servers[1].backup);
  EXPECT_EQ(p.servers[1].max_fails, 1);  // defaults: max_fails=1 fail_timeout=10s
  EXPECT_EQ(p.servers[1].fail_timeout_ms, 10000);
  EXPECT_EQ(p.servers[2].address, "::1");
  EXPECT_TRUE(p.servers[2].down);
  EXPECT_EQ(p.servers[3].address, "unix:/run/app.sock");
  EXPECT_EQ(p.servers[3].port, 0);
  EXPECT_EQ(p.balancing.policy, ir::Balance::round_robin);
  EXPECT_EQ(p.keepalive.max_idle, 0);
}

TEST(Upstream, KeepaliveSettings) {
  auto c = http(R"(
    upstream app { server 127.0.0.1:1; keepalive 16; keepalive_timeout 30s; keepalive_requests 50; }
  )");
  const auto& k = pool(c, "app").keepalive;
  EXPECT_EQ(k.max_idle, 16);
  EXPECT_EQ(k.idle_timeout_ms, 30000);
  EXPECT_EQ(k.max_requests, 50);
  auto d = http("upstream app { server 127.0.0.1:1; keepalive 2; }");
  EXPECT_EQ(pool(d, "app").keepalive.idle_timeout_ms, 60000);
  EXPECT_EQ(pool(d, "app").keepalive.max_requests, 1000);
}

TEST(Upstream, BalancingMethods) {
  auto c = http(R"(
    upstream lc { least_conn; server 127.0.0.1:1; }
    upstream ih { ip_hash; server 127.0.0.1:1; }
    upstream h { hash $request_uri; server 127.0.0.1:1; }
    upstream hc { hash $cookie_session consistent; server 127.0.0.1:1; }
    upstream r { random; server 127.0.0.1:1; }
    upstream r2 { random two; server 127.0.0.1:1; }
    upstream r2l { random two least_conn; server 127.0.0.1:1; }
  )");
  EXPECT_EQ(pool(c, "lc").balancing.policy, ir::Balance::least_conn);
  EXPECT_EQ(pool(c, "ih").balancing.policy, ir::Balance::ip_hash);
  EXPECT_EQ(pool(c, "h").balancing.policy, ir::Balance::hash);
  EXPECT_EQ(render(pool(c, "h").balancing.key), "${request_uri}");
  EXPECT_FALSE(pool(c, "h").balancing.consistent);
  EXPECT_TRUE(pool(c, "hc").balancing.consistent);
  EXPECT_EQ(render(pool(c, "hc").balancing.key), "${cookie:session}");
  EXPECT_EQ(pool(c, "r").balancing.policy, ir::Balance::random);
  EXPECT_EQ(pool(c, "r").balancing.choices, 1);
  EXPECT_EQ(pool(c, "r2").balancing.choices, 2);
  EXPECT_EQ(pool(c, "r2").balancing.choice_policy, ir::Balance::least_conn);  // the default method
  EXPECT_EQ(pool(c, "r2l").balancing.choices, 2);
}

TEST(Upstream, RedefinedMethodWarnsAndTheLastWins) {
  auto r = compile_nginx("events {} http { upstream u { least_conn; ip_hash; server 127.0.0.1:1; } }");
  ASSERT_TRUE(r.config) << r.errors();
  EXPECT_NE(r.errors().find("warning: load balancing method redefined"), std::string::npos);
  EXPECT_EQ(r.config->pools[0].balancing.policy, ir::Balance::ip_hash);
}

TEST(Listen, AddressesAndFlags) {
  auto c = http(R"(
    server { listen 127.0.0.1:8443 ssl http2 default_server; ssl_certificate c.pem; ssl_certificate_key k.pem; }
    server { listen [::]:80; listen 8080; listen unix:/run/pg.sock; }
    server { }
  )");
  ASSERT_EQ(c.listeners.size(), 5u);
  EXPECT_EQ(c.listeners[0].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[0].port, 8443);
  EXPECT_TRUE(c.listeners[0].tls);
  EXPECT_TRUE(c.listeners[0].http2);
  EXPECT_EQ(c.listeners[1].address, "::");
  EXPECT_EQ(c.listeners[1].port, 80);
  EXPECT_EQ(c.listeners[2].address, "0.0.0.0");
  EXPECT_EQ(c.listeners[2].port, 8080);
  EXPECT_EQ(c.listeners[3].address, "unix:/run/pg.sock");
  // A server without listen gets *:80 (nginx running as root).
  EXPECT_EQ(c.listeners[4].address, "0.0.0.0");
  EXPECT_EQ(c.listeners[4].port, 80);
  EXPECT_EQ(c.virtual_hosts[2].listeners, std::vector<int>{4});
}

TEST(Listen, DefaultServerIsTheFirstUnlessMarked) {
  auto c = http(R"(
    server { listen 80; server_name a; }
    server { listen 80; server_name b; }
    server { listen 81; server_name c; }
    server { listen 81 default_server; server_name d; }
  )");
  ASSERT_EQ(c.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[0].default_virtual_host, 0);
  EXPECT_EQ(c.listeners[1].default_virtual_host, 3);
  EXPECT_EQ(c.virtual_hosts[1].listeners, std::vector<int>{0});
}

TEST(Listen, SslOnOneServerMakesTheAddressTls) {
  auto c = http(R"(
    ssl_certificate c.pem; ssl_certificate_key k.pem;
    server { listen 443 ssl; server_name a; }
    server { listen 443; server_name b; }
  )");
  ASSERT_EQ(c.listeners.size(), 1u);
  EXPECT_TRUE(c.listeners[0].tls);
  ASSERT_TRUE(c.virtual_hosts[0].tls);
  EXPECT_EQ(c.virtual_hosts[0].tls->certificates[0].certificate, "c.pem");
  EXPECT_EQ(c.virtual_hosts[0].tls->protocols,
            (std::vector<std::string>{"TLSv1", "TLSv1.1", "TLSv1.2"}));  // 1.22: no TLSv1.3 by default
}

TEST(Tls, CertificatesAndProtocols) {
  auto c = http(R"(
    server {
      listen 443 ssl;
      ssl_certificate rsa.pem; ssl_certificate_key rsa.key;
      ssl_certificate ec.pem; ssl_certificate_key ec.key;
      ssl_protocols TLSv1.2 TLSv1.3;
    }
  )");
  const auto& tls = *c.virtual_hosts[0].tls;
  ASSERT_EQ(tls.certificates.size(), 2u);
  EXPECT_EQ(tls.certificates[1].certificate, "ec.pem");
  EXPECT_EQ(tls.certificates[1].key, "ec.key");
  EXPECT_EQ(tls.protocols, (std::vector<std::string>{"TLSv1.2", "TLSv1.3"}));
}

TEST(ServerName, Kinds) {
  auto c = http(R"(
    server { server_name Example.COM *.example.org www.example.* .example.net "~^(?<user>\w+)\.example\.io$" ""; }
  )");
  const auto& n = c.virtual_hosts[0].names;
  ASSERT_EQ(n.size(), 6u);
  EXPECT_EQ(n[0].kind, ir::NameKind::exact);
  EXPECT_EQ(n[0].value, "example.com");  // names compare case-insensitively
  EXPECT_EQ(n[1].kind, ir::NameKind::wildcard_prefix);
  EXPECT_EQ(n[1].value, "*.example.org");
  EXPECT_EQ(n[2].kind, ir::NameKind::wildcard_suffix);
  EXPECT_EQ(n[2].value, "www.example.*");
  EXPECT_EQ(n[3].kind, ir::NameKind::exact);  // ".example.net" is both
  EXPECT_EQ(n[3].value, "example.net");
  EXPECT_EQ(n[4].kind, ir::NameKind::wildcard_prefix);
  EXPECT_EQ(n[4].value, "*.example.net");
  EXPECT_EQ(n[5].kind, ir::NameKind::regex);
  EXPECT_EQ(n[5].value, "^(?<user>\\w+)\\.example\\.io$");
}

TEST(ServerName, NamedCapturesAreVariables) {
  auto c = http(R"(
    server {
      server_name "~^(?<tenant>[a-z]+)\.example\.com$";
      location / { proxy_pass http://127.0.0.1:9000; proxy_set_header X-Tenant $tenant; }
    }
  )");
  const auto* h = header(route_named(c, "location /").request_headers, "X-Tenant");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(render(h->value), "${regex_capture:tenant}");
}

TEST(ProxyPass, PoolAddressAndDefaults) {
  auto c = http(R"(
    upstream app { server 127.0.0.1:8000; }
    server {
      location /a/ { proxy_pass http://app; }
      location /b/ { proxy_pass http://127.0.0.1:9000; }
      location /c/ { proxy_pass https://localhost; }
    }
  )");
  const auto& a = proxy(c, "location /a/");
  EXPECT_EQ(a.pool, "app");
  EXPECT_EQ(a.authority, "app");
  EXPECT_EQ(a.scheme, "http");
  EXPECT_EQ(a.uri_mode, ir::UriMode::unchanged);
  EXPECT_EQ(a.protocol, ir::UpstreamProtocol::http1_0);  // nginx's default
  EXPECT_FALSE(a.upgrade);
  EXPECT_EQ(a.timeouts.connect_ms, 60000);
  EXPECT_EQ(a.timeouts.read_ms, 60000);
  EXPECT_TRUE(a.buffering.response);
  EXPECT_EQ(a.retry.on, (std::vector<ir::RetryOn>{ir::RetryOn::error, ir::RetryOn::timeout}));
  EXPECT_EQ(a.redirect_rewrite.mode, ir::RedirectRewriteMode::automatic);
  const auto& b = proxy(c, "location /b/");
  EXPECT_EQ(b.pool, "127.0.0.1:9000");
  const auto& bp = pool(c, "127.0.0.1:9000");
  EXPECT_TRUE(bp.implicit);
  ASSERT_EQ(bp.servers.size(), 1u);
  EXPECT_EQ(bp.servers[0].port, 9000);
  EXPECT_EQ(pool(c, "localhost").servers[0].port, 443);  // https default port
  EXPECT_EQ(proxy(c, "location /c/").scheme, "https");
}

TEST(ProxyPass, DefaultRequestHeaders) {
  auto c = http("server { location / { proxy_pass http://127.0.0.1:1; } }");
  const auto& h = route_named(c, "location /").request_headers;
  ASSERT_NE(header(h, "Host"), nullptr);
  EXPECT_EQ(render(header(h, "Host")->value), "${upstream_host}");  // $proxy_host
  EXPECT_EQ(render(header(h, "Connection")->value), "close");
  for (const char* removed : {"TE", "Keep-Alive", "Expect", "Upgrade"}) {
    ASSERT_NE(header(h, removed), nullptr) << removed;
    EXPECT_EQ(header(h, removed)->op, ir::HeaderOpKind::remove) << removed;
  }
}

TEST(ProxyPass, UriPartReplacesTheMatchedPrefix) {
  auto c = http(R"(
    server {
      location /api/ { proxy_pass http://127.0.0.1:1/v1/; }
      location = /exact { proxy_pass http://127.0.0.1:1/other; }
    }
  )");
  const auto& a = proxy(c, "location /api/");
  EXPECT_EQ(a.uri_mode, ir::UriMode::replace_prefix);
  EXPECT_EQ(a.prefix, "/api/");
  EXPECT_EQ(render(a.uri), "/v1/");
  EXPECT_EQ(proxy(c, "location = /exact").prefix, "/exact");
}

TEST(ProxyPass, WithVariables) {
  auto c = http(R"(
    map $http_x_canary $backend { default stable; 1 canary; }
    upstream stable { server 127.0.0.1:1; }
    upstream canary { server 127.0.0.1:2; }
    server {
      location / { proxy_pass http://$backend; }
      location /full/ { proxy_pass http://$backend/x$uri$is_args$args; }
    }
  )");
  const auto& a = proxy(c, "location /");
  EXPECT_EQ(a.pool, "");
  ASSERT_TRUE(a.dynamic_target);
  EXPECT_EQ(render(*a.dynamic_target), "${map:backend}");
  EXPECT_EQ(a.uri_mode, ir::UriMode::unchanged);
  const auto& b = proxy(c, "location /full/");
  EXPECT_EQ(b.uri_mode, ir::UriMode::replace);
  EXPECT_EQ(render(b.uri), "/x${path}${query_mark}${query}");
}

TEST(ProxyDirectives, TimeoutsBuffersRetries) {
  auto c = http(R"(
    server {
      location / {
        proxy_pass http://127.0.0.1:1;
        proxy_http_version 1.1;
        proxy_connect_timeout 5s;
        proxy_send_timeout 1m;
        proxy_read_timeout "1h 30m";
        proxy_buffering off;
        proxy_buffer_size 8k;
        proxy_buffers 16 16k;
        proxy_next_upstream error timeout http_502 http_503 non_idempotent;
        proxy_next_upstream_tries 3;
        proxy_next_upstream_timeout 10s;
      }
    }
  )");
  const auto& p = proxy(c, "location /");
  EXPECT_EQ(p.protocol, ir::UpstreamProtocol::http1_1);
  EXPECT_EQ(p.timeouts.connect_ms, 5000);
  EXPECT_EQ(p.timeouts.send_ms, 60000);
  EXPECT_EQ(p.timeouts.read_ms, 5400000);
  EXPECT_FALSE(p.buffering.response);
  EXPECT_EQ(p.buffering.header_buffer_bytes, 8192);
  EXPECT_EQ(p.buffering.body_buffers, 16);
  EXPECT_EQ(p.buffering.body_buffer_bytes, 16384);
  EXPECT_EQ(p.retry.on, (std::vector<ir::RetryOn>{ir::RetryOn::error, ir::RetryOn::timeout, ir::RetryOn::http_502,
                                                 ir::RetryOn::http_503, ir::RetryOn::non_idempotent}));
  EXPECT_EQ(p.retry.max_tries, 3);
  EXPECT_EQ(p.retry.timeout_ms, 10000);
}

TEST(ProxyDirectives, RequestBufferingAndHiddenFields) {
  auto c = http(R"(
    server {
      proxy_hide_header X-Powered-By;
      proxy_hide_header Server;
      add_header X-Frame-Options DENY;
      location / { proxy_pass http://127.0.0.1:1; proxy_request_buffering off; }
      location /b/ { proxy_pass http://127.0.0.1:1; }
      location /r/ { return 200; }
    }
  )");
  EXPECT_FALSE(proxy(c, "location /").buffering.request);
  EXPECT_TRUE(proxy(c, "location /b/").buffering.request);
  const auto& rh = route_named(c, "location /").response_headers;
  ASSERT_EQ(rh.size(), 2u);  // Server: nginx hides it and writes its own anyway
  EXPECT_EQ(rh[0].op, ir::HeaderOpKind::remove);
  EXPECT_EQ(rh[0].name, "X-Powered-By");
  EXPECT_EQ(rh[1].name, "X-Frame-Options");
  EXPECT_EQ(route_named(c, "location /r/").response_headers.size(), 1u);  // nothing proxied to hide
}

TEST(GrpcPass, Timeouts) {
  auto c = http(R"(
    grpc_read_timeout 1h;
    server { location / { grpc_pass grpc://127.0.0.1:1; grpc_connect_timeout 2s; grpc_send_timeout 3s; proxy_read_timeout 5s; } }
  )");
  const auto& p = proxy(c, "location /");
  EXPECT_EQ(p.timeouts.connect_ms, 2000);
  EXPECT_EQ(p.timeouts.send_ms, 3000);
  EXPECT_EQ(p.timeouts.read_ms, 3600000);
}

TEST(ProxyDirectives, NextUpstreamOff) {
  auto c = http("server { location / { proxy_pass http://127.0.0.1:1; proxy_next_upstream off; } }");
  EXPECT_TRUE(proxy(c, "location /").retry.on.empty());
}

TEST(ProxyDirectives, WebSocketUpgradeNeedsHttp11AndTheUpgradeHeader) {
  auto c = http(R"(
    server {
      location /ws/ {
        proxy_pass http://127.0.0.1:1;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
      }
      location /no-version/ {
        proxy_pass http://127.0.0.1:1;
        proxy_set_header Upgrade $http_upgrade;
      }
    }
  )");
  EXPECT_TRUE(proxy(c, "location /ws/").upgrade);
  EXPECT_FALSE(proxy(c, "location /no-version/").upgrade);
  const auto& h = route_named(c, "location /ws/").request_headers;
  EXPECT_EQ(render(header(h, "Upgrade")->value), "${request_header:upgrade}");
  EXPECT_EQ(render(header(h, "Connection")->value), "upgrade");
  EXPECT_EQ(header(h, "Connection")->op, ir::HeaderOpKind::set);
}

TEST(ProxyDirectives, EmptyHeaderValueRemovesTheField) {
  auto c = http("server { location / { proxy_pass http://127.0.0.1:1; proxy_set_header Accept-Encoding \"\"; } }");
  const auto* h = header(route_named(c, "location /").request_headers, "Accept-Encoding");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->op, ir::HeaderOpKind::remove);
}

TEST(ProxyDirectives, ProxyRedirect) {
  auto c = http(R"(
    server {
      location /a/ { proxy_pass http://127.0.0.1:1; proxy_redirect off; }
      location /b/ { proxy_pass http://127.0.0.1:1; proxy_redirect http://127.0.0.1:1/ /b/; }
      location /c/ { proxy_pass http://127.0.0.1:1; proxy_redirect ~*^http://[^/]+/(.*)$ /c/$1; }
    }
  )");
  EXPECT_EQ(proxy(c, "location /a/").redirect_rewrite.mode, ir::RedirectRewriteMode::off);
  const auto& b = proxy(c, "location /b/").redirect_rewrite;
  EXPECT_EQ(b.mode, ir::RedirectRewriteMode::rules);
  ASSERT_EQ(b.rules.size(), 1u);
  EXPECT_EQ(b.rules[0].from, "http://127.0.0.1:1/");
  EXPECT_EQ(render(b.rules[0].to), "/b/");
  const auto& cr = proxy(c, "location /c/").redirect_rewrite.rules.at(0);
  EXPECT_TRUE(cr.regex);
  EXPECT_TRUE(cr.case_insensitive);
  EXPECT_EQ(render(cr.to), "/c/${regex_capture:1}");
}

TEST(GrpcPass, ProtocolAndHeaders) {
  auto r = compile_nginx(R"(events {} http { server { listen 50051 http2;
      location / { grpc_pass 127.0.0.1:9090; grpc_set_header X-Client $remote_addr; } } })");
  ASSERT_TRUE(r.config) << r.errors();
  const auto& route = route_named(*r.config, "location /");
  ASSERT_TRUE(route.action.proxy);
  EXPECT_EQ(route.action.proxy->protocol, ir::UpstreamProtocol::grpc);
  EXPECT_EQ(route.action.proxy->scheme, "grpc");
  EXPECT_FALSE(route.action.proxy->buffering.response);
  EXPECT_EQ(render(header(route.request_headers, "X-Client")->value), "${client_address}");
  EXPECT_EQ(render(header(route.request_headers, "TE")->value), "trailers");
  EXPECT_TRUE(r.config->listeners[0].http2);
}

TEST(Return, RespondRedirectAndUrl) {
  auto c = http(R"(
    server {
      location = /a { return 204; }
      location = /b { return 403 "go away\n"; }
      location = /c { return 301 https://$host$request_uri; }
      location = /d { return https://example.com/; }
      location = /e { return 444; }
    }
  )");
  const auto& a = route_named(c, "location = /a").action;
  EXPECT_EQ(a.kind, ir::ActionKind::respond);
  EXPECT_EQ(a.respond->status, 204);
  EXPECT_FALSE(a.respond->body);
  const auto& b = route_named(c, "location = /b").action;
  EXPECT_EQ(render(*b.respond->body), "go away\n");
  const auto& r = route_named(c, "location = /c").action;
  EXPECT_EQ(r.kind, ir::ActionKind::redirect);
  EXPECT_EQ(r.redirect->status, 301);
  EXPECT_EQ(render(r.redirect->location), "https://${host}${request_uri}");
  EXPECT_EQ(route_named(c, "location = /d").action.redirect->status, 302);
  EXPECT_EQ(route_named(c, "location = /e").action.respond->status, 444);
}

TEST(Return, ServerLevelReturnIsARewriteStep) {
  auto c = http("server { listen 80; return 301 https://$host$request_uri; }");
  const auto& steps = c.virtual_hosts[0].rewrites;
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].kind, ir::RewriteKind::redirect);
  EXPECT_EQ(steps[0].status, 301);
}

TEST(Return, ReturnMakesProxyPassDeadAndSaysSo) {
  auto r = compile_nginx("events {} http { server { location / { proxy_pass http://127.0.0.1:1; return 200; } } }");
  ASSERT_TRUE(r.config) << r.errors();
  EXPECT_NE(r.errors().find("warning: \"proxy_pass\" is never used"), std::string::npos) << r.errors();
  EXPECT_EQ(route_named(*r.config, "location /").action.kind, ir::ActionKind::respond);
}

TEST(Rewrite, FlagsAndQueries) {
  auto c = http(R"(
    server {
      rewrite ^/old/(.*)$ /new/$1 permanent;
      location / {
        rewrite ^/a$ /b last;
        rewrite ^/c$ /d break;
        rewrite ^/e$ /f redirect;
        rewrite ^/g$ /h?x=1?;
        rewrite ^/i$ http://example.com/i;
        proxy_pass http://127.0.0.1:1;
      }
    }
  )");
  const auto& s = c.virtual_hosts[0].rewrites.at(0);
  EXPECT_EQ(s.flag, ir::RewriteFlag::redirect);
  EXPECT_EQ(s.status, 301);
  EXPECT_EQ(render(s.replacement), "/new/${regex_capture:1}");
  const auto& steps = route_named(c, "location /").rewrites;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[0].flag, ir::RewriteFlag::last);
  EXPECT_EQ(steps[1].flag, ir::RewriteFlag::break_);
  EXPECT_EQ(steps[2].flag, ir::RewriteFlag::redirect);
  EXPECT_EQ(steps[2].status, 302);
  EXPECT_EQ(steps[3].flag, ir::RewriteFlag::continue_);
  EXPECT_FALSE(steps[3].append_query);
  EXPECT_EQ(render(steps[3].replacement), "/h?x=1");
  EXPECT_TRUE(steps[0].append_query);
  EXPECT_EQ(steps[4].flag, ir::RewriteFlag::redirect);  // absolute: always a redirect
  EXPECT_EQ(steps[4].status, 302);
}

TEST(ErrorPage, Forms) {
  auto c = http(R"(
    server {
      error_page 404 /404.html;
      error_page 500 502 503 504 =200 /50x.json;
      error_page 502 = @fallback;
      error_page 403 http://example.com/forbidden;
      error_page 410 =301 https://example.com/gone;
      location / { proxy_pass http://127.0.0.1:1; }
      location @fallback { return 200; }
    }
  )");
  const auto& p = route_named(c, "location /").error_pages;
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0].codes, std::vector<int>{404});
  EXPECT_EQ(p[0].status_mode, ir::ErrorStatus::keep);
  EXPECT_EQ(p[0].target_kind, ir::ErrorTarget::uri);
  EXPECT_EQ(p[1].codes, (std::vector<int>{500, 502, 503, 504}));
  EXPECT_EQ(p[1].status_mode, ir::ErrorStatus::set);
  EXPECT_EQ(p[1].status, 200);
  EXPECT_EQ(p[2].status_mode, ir::ErrorStatus::from_target);
  EXPECT_EQ(p[2].target_kind, ir::ErrorTarget::named_route);
  EXPECT_EQ(render(p[2].target), "location @fallback");
  EXPECT_EQ(p[3].target_kind, ir::ErrorTarget::redirect);
  EXPECT_EQ(p[3].status, 302);
  EXPECT_EQ(p[4].status, 301);
}

TEST(AddHeader, AlwaysFlag) {
  auto c = http(R"(
    server { location / { return 200; add_header X-A 1; add_header X-B "$host" always; } }
  )");
  const auto& h = route_named(c, "location /").response_headers;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].op, ir::HeaderOpKind::add);
  EXPECT_FALSE(h[0].always);
  EXPECT_TRUE(h[1].always);
  EXPECT_EQ(render(h[1].value), "${host}");
}

TEST(Access, AllowDenyInOrder) {
  auto c = http(R"(
    server { location /admin/ { allow 10.0.0.0/8; allow ::1; deny all; return 200; } }
  )");
  const auto& a = route_named(c, "location /admin/").access;
  ASSERT_EQ(a.size(), 3u);
  EXPECT_TRUE(a[0].allow);
  EXPECT_EQ(a[0].cidr, "10.0.0.0/8");
  EXPECT_EQ(a[1].cidr, "::1");
  EXPECT_FALSE(a[2].allow);
  EXPECT_EQ(a[2].cidr, "all");
}

TEST(Location, InternalAndDefaultType) {
  auto c = http(R"(
    default_type application/octet-stream;
    server { location = /x { internal; default_type application/grpc; return 204; } location / { return 200; } }
  )");
  EXPECT_TRUE(route_named(c, "location = /x").internal);
  EXPECT_EQ(route_named(c, "location = /x").default_type, "application/grpc");
  EXPECT_EQ(route_named(c, "location /").default_type, "application/octet-stream");
}

TEST(Location, WithoutHandlerWarnsAboutStaticFiles) {
  auto r = compile_nginx("events {} http { server { location /files/ { } } }");
  ASSERT_TRUE(r.config) << r.errors();
  EXPECT_NE(r.errors().find("test.conf:1:27: warning: location /files/ has no proxy_pass, grpc_pass or return"),
            std::string::npos)
      << r.errors();
  EXPECT_EQ(route_named(*r.config, "location /files/").action.kind, ir::ActionKind::static_files);
}

TEST(Map, EntriesAndDefault) {
  auto c = http(R"(
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    map $host $pool {
      hostnames;
      default main;
      example.com site;
      *.example.com sub;
      www.example.* www;
      .example.org org;
      ~^api\d+\. api;
      ~*^ADMIN admin;
    }
  )");
  ASSERT_EQ(c.maps.size(), 2u);
  const auto& m = c.maps[0];
  EXPECT_EQ(m.name, "connection_upgrade");
  EXPECT_EQ(render(m.source), "${request_header:upgrade}");
  EXPECT_EQ(render(m.default_value), "upgrade");
  ASSERT_EQ(m.entries.size(), 1u);
  EXPECT_EQ(m.entries[0].pattern, "");
  EXPECT_EQ(render(m.entries[0].value), "close");
  const auto& h = c.maps[1];
  EXPECT_TRUE(h.hostnames);
  ASSERT_EQ(h.entries.size(), 7u);
  EXPECT_EQ(h.entries[1].match, ir::MapMatch::wildcard_prefix);
  EXPECT_EQ(h.entries[2].match, ir::MapMatch::wildcard_suffix);
  EXPECT_EQ(h.entries[3].pattern, "example.org");
  EXPECT_EQ(h.entries[4].pattern, "*.example.org");
  EXPECT_EQ(h.entries[5].match, ir::MapMatch::regex);
  EXPECT_EQ(h.entries[5].pattern, "^api\\d+\\.");
  EXPECT_EQ(h.entries[6].match, ir::MapMatch::regex_i);
}

TEST(Map, UsedBeforeItIsDeclared) {
  auto c = http(R"(
    server { location / { proxy_pass http://127.0.0.1:1; proxy_set_header Connection $conn; } }
    map $http_upgrade $conn { default upgrade; '' close; }
  )");
  EXPECT_EQ(render(header(route_named(c, "location /").request_headers, "Connection")->value), "${map:conn}");
}

TEST(Logging, FormatsAndAccessLogs) {
  auto c = http(R"(
    log_format main escape=json '$remote_addr "$request" $status '
                                '$upstream_response_time';
    access_log /var/log/a.log main;
    server {
      location / { return 200; }
      location /quiet/ { access_log off; return 200; }
    }
  )");
  ASSERT_EQ(c.log_formats.size(), 2u);
  EXPECT_EQ(c.log_formats[0].name, "combined");
  EXPECT_EQ(c.log_formats[1].name, "main");
  EXPECT_EQ(c.log_formats[1].escape, ir::LogEscape::json);
  EXPECT_EQ(render(c.log_formats[1].format),
            "${client_address} \"${request_line}\" ${status} ${upstream_response_time}");
  const auto& logs = route_named(c, "location /").access_logs;
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].path, "/var/log/a.log");
  EXPECT_EQ(logs[0].format, "main");
  EXPECT_TRUE(route_named(c, "location /quiet/").access_logs.empty());
}

TEST(Logging, DefaultAccessLogIsCombined) {
  auto c = http("server { location / { return 200; } }");
  const auto& logs = route_named(c, "location /").access_logs;
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].path, "/var/log/nginx/access.log");
  EXPECT_EQ(logs[0].format, "combined");
}

TEST(ClientLimits, BodySizeAndKeepalive) {
  auto c = http(R"(
    client_max_body_size 10m;
    keepalive_timeout 30s;
    server { location /up/ { client_max_body_size 0; return 200; } location / { return 200; } }
  )");
  EXPECT_EQ(route_named(c, "location /").limits.max_body_bytes, 10 * 1024 * 1024);
  EXPECT_EQ(route_named(c, "location /").limits.keepalive_timeout_ms, 30000);
  EXPECT_EQ(route_named(c, "location /up/").limits.max_body_bytes, 0);
  auto d = http("server { location / { return 200; } }");
  EXPECT_EQ(route_named(d, "location /").limits.max_body_bytes, 1024 * 1024);  // 1m default
  EXPECT_EQ(route_named(d, "location /").limits.keepalive_timeout_ms, 75000);
}

TEST(ClientLimits, HeadBuffersAndTimeouts) {
  auto d = http("server { location / { return 200; } }");
  const auto& dl = route_named(d, "location /").limits;
  EXPECT_EQ(dl.header_block_bytes, 32768);  // large_client_header_buffers 4 8k
  EXPECT_EQ(dl.header_line_bytes, 8192);
  EXPECT_EQ(dl.request_line_bytes, 8192);
  EXPECT_EQ(dl.idle_timeout_ms, 60000);     // client_header/body_timeout, send_timeout 60s

  auto c = http(R"(
    large_client_header_buffers 2 16k;
    server {
      client_header_timeout 30s;
      client_body_timeout 30s;
      send_timeout 30s;
      location / { return 200; }
    }
    server { listen 81; client_header_buffer_size 64k; location / { return 200; } }
  )");
  const auto& l = route_named(c, "location /").limits;
  EXPECT_EQ(l.header_block_bytes, 32768);
  EXPECT_EQ(l.header_line_bytes, 16384);
  EXPECT_EQ(l.request_line_bytes, 16384);
  EXPECT_EQ(l.idle_timeout_ms, 30000);
  const auto& big = route_named(c, "location /", 1).limits;  // a first buffer larger than the others
  EXPECT_EQ(big.header_block_bytes, 65536);
  EXPECT_EQ(big.header_line_bytes, 65536);

  // Different timeouts: the IR has one, the largest, and says so.
  auto w = compile_nginx("events {} http { server { client_body_timeout 5m; location / { return 200; } } }");
  ASSERT_TRUE(w.config) << w.errors();
  EXPECT_EQ(route_named(*w.config, "location /").limits.idle_timeout_ms, 300000);
  EXPECT_NE(w.errors().find("one client inactivity timeout"), std::string::npos) << w.errors();

  auto bad = compile_nginx("events {} http { large_client_header_buffers 0 8k; }");
  EXPECT_NE(bad.errors().find("invalid value"), std::string::npos) << bad.errors();
  auto ctx = compile_nginx("events {} http { server { location / { large_client_header_buffers 4 8k; } } }");
  EXPECT_NE(ctx.errors().find("not allowed here"), std::string::npos) << ctx.errors();
}

TEST(AbsoluteRedirect, OneValueForTheWholeConfiguration) {
  EXPECT_TRUE(http("server { location / { return 200; } }").responses.absolute_redirects);
  auto off = http("absolute_redirect off; server { location / { return 302 /x; } }");
  EXPECT_FALSE(off.responses.absolute_redirects);
  auto same = http("server { absolute_redirect off; location / { absolute_redirect off; return 200; } }");
  EXPECT_FALSE(same.responses.absolute_redirects);
  auto mixed = compile_nginx(
      "events {} http { server { location / { return 200; } location /a/ { absolute_redirect off; return 200; } } }");
  EXPECT_NE(mixed.errors().find("proxyglot applies one absolute_redirect to the whole configuration"), std::string::npos)
      << mixed.errors();
}

TEST(RealIp, Settings) {
  auto c = http(R"(
    set_real_ip_from 10.0.0.0/8;
    set_real_ip_from 2001:db8::/32;
    real_ip_header X-Forwarded-For;
    real_ip_recursive on;
    server { }
    server { real_ip_header CF-Connecting-IP; }
  )");
  const auto& r = c.virtual_hosts[0].real_ip;
  EXPECT_EQ(r.trusted, (std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32"}));
  EXPECT_EQ(r.header, "X-Forwarded-For");
  EXPECT_TRUE(r.recursive);
  EXPECT_EQ(c.virtual_hosts[1].real_ip.header, "CF-Connecting-IP");
  EXPECT_EQ(c.virtual_hosts[1].real_ip.trusted.size(), 2u);
}

TEST(Fragments, SitesEnabledFileIsHttpContext) {
  auto r = compile_nginx(R"(
    upstream app { server 127.0.0.1:3000; }
    server { listen 80; server_name blog.example.com; location / { proxy_pass http://app; } }
  )", "blog.conf");
  ASSERT_TRUE(r.config) << r.errors();
  EXPECT_EQ(r.config->pools.size(), 1u);
  EXPECT_EQ(r.config->virtual_hosts.size(), 1u);
}

TEST(Variables, Mapping) {
  auto c = http(R"(
    server {
      location / {
        proxy_pass http://127.0.0.1:1;
        proxy_set_header X-All "$scheme://$host:$server_port$request_uri $remote_addr:$remote_port $http_user_agent $cookie_sid $arg_page $request_method ${uri}x $args $server_name $http_host";
      }
    }
  )");
  EXPECT_EQ(render(header(route_named(c, "location /").request_headers, "X-All")->value),
            "${scheme}://${host}:${server_port}${request_uri} ${client_address}:${client_port} "
            "${request_header:user-agent} ${cookie:sid} ${query_arg:page} ${method} ${path}x ${query} "
            "${server_name} ${request_header:host}");
}

}  // namespace
}  // namespace pg::test
