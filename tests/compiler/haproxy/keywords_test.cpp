// Each HAProxy keyword and the IR it produces, with HAProxy's defaults written in.
#include <map>

#include <gtest/gtest.h>

#include "ir/ir_json.h"
#include "support/haproxy_fixture.h"

namespace pg::test {
namespace {

const ir::Pool& pool(const ir::Config& c, const std::string& name) {
  for (const auto& p : c.pools)
    if (p.name == name) return p;
  static const ir::Pool none;
  ADD_FAILURE() << "no pool " << name;
  return none;
}

const ir::ProxyAction& proxy_of(const ir::Route& r) {
  static const ir::ProxyAction none;
  if (!r.action.proxy) {
    ADD_FAILURE() << r.name << " does not proxy";
    return none;
  }
  return *r.action.proxy;
}

TEST(HaproxyKeywords, GlobalSection) {
  auto c = haproxy("");
  EXPECT_FALSE(c.globals.worker_threads.has_value());
  EXPECT_FALSE(c.globals.daemon);
  auto g = compile_haproxy("global\n maxconn 2000\n nbthread 4\n daemon\n user haproxy\n pidfile /run/h.pid\n"
                           " log /dev/log local0 notice\n");
  ASSERT_TRUE(g.config) << g.errors();
  EXPECT_EQ(g.config->globals.worker_connections, 2000);
  EXPECT_EQ(g.config->globals.worker_threads, 4);
  EXPECT_TRUE(g.config->globals.daemon);
  EXPECT_EQ(g.config->globals.user, "haproxy");
  EXPECT_EQ(g.config->globals.pid_file, "/run/h.pid");
  ASSERT_EQ(g.config->globals.error_logs.size(), 1u);
  EXPECT_EQ(g.config->globals.error_logs[0].path, "syslog:/dev/log,facility=local0,level=info,format=rfc3164,tag=haproxy,pid");
  EXPECT_EQ(g.config->globals.error_logs[0].level, "notice");
}

TEST(HaproxyKeywords, BindsBecomeListenersOfOneVirtualHost) {
  auto c = haproxy("frontend fe\n bind :80\n bind 10.0.0.1:8080,[::1]:8081\n"
                   " bind :::443 ssl crt /etc/ssl/site.pem alpn h2,http/1.1\n default_backend be\n"
                   "backend be\n server s 127.0.0.1:9000\n");
  ASSERT_EQ(c.listeners.size(), 4u);
  EXPECT_EQ(c.listeners[0].address, "0.0.0.0");
  EXPECT_EQ(c.listeners[0].port, 80);
  EXPECT_EQ(c.listeners[1].address, "10.0.0.1");
  EXPECT_EQ(c.listeners[2].address, "::1");
  EXPECT_EQ(c.listeners[2].port, 8081);
  EXPECT_EQ(c.listeners[3].address, "::");
  EXPECT_TRUE(c.listeners[3].tls);
  EXPECT_TRUE(c.listeners[3].http2);
  EXPECT_FALSE(c.listeners[0].tls);
  ASSERT_EQ(c.virtual_hosts.size(), 1u);
  const auto& vh = c.virtual_hosts[0];
  EXPECT_TRUE(vh.names.empty());  // every Host
  EXPECT_EQ(vh.listeners, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(c.listeners[3].default_virtual_host, 0);
  ASSERT_TRUE(vh.tls);
  ASSERT_EQ(vh.tls->certificates.size(), 1u);
  EXPECT_EQ(vh.tls->certificates[0].certificate, "/etc/ssl/site.pem");
  EXPECT_EQ(vh.tls->certificates[0].key, "/etc/ssl/site.pem");
}

TEST(HaproxyKeywords, ServersAndTheirDefaults) {
  auto c = haproxy("backend be\n default-server weight 5 maxconn 10\n"
                   " server a 10.0.0.1:80\n server b 10.0.0.2:81 weight 2 backup\n server c [::1]:82 disabled\n"
                   " server d /run/app.sock\n");
  const auto& p = pool(c, "be");
  ASSERT_EQ(p.servers.size(), 4u);
  EXPECT_EQ(p.servers[0].address, "10.0.0.1");
  EXPECT_EQ(p.servers[0].port, 80);
  EXPECT_EQ(p.servers[0].weight, 5);
  EXPECT_EQ(p.servers[0].max_conns, 10);
  EXPECT_EQ(p.servers[0].max_fails, 0);  // no passive health in HAProxy by default
  EXPECT_EQ(p.servers[1].weight, 2);
  EXPECT_TRUE(p.servers[1].backup);
  EXPECT_EQ(p.servers[2].address, "::1");
  EXPECT_TRUE(p.servers[2].down);
  EXPECT_EQ(p.servers[3].address, "unix:/run/app.sock");
  EXPECT_EQ(p.balancing.policy, ir::Balance::round_robin);  // HAProxy's default
  EXPECT_FALSE(p.health_check.has_value());
  EXPECT_EQ(p.keepalive.max_idle, INT32_MAX);  // idle connections kept for reuse
}

TEST(HaproxyKeywords, CookieInsertPersistence) {
  auto c = haproxy("defaults\n mode http\n cookie SRV insert\nbackend plain\n server a 10.0.0.1:80 cookie sa\n server b 10.0.0.2:80\n"
                   "backend all\n cookie S insert indirect nocache httponly secure domain .a.example domain .b.example\n"
                   " server a 10.0.0.1:80 cookie x\n");
  const auto& plain = pool(c, "plain");
  ASSERT_TRUE(plain.persistence.has_value());  // from the defaults section
  EXPECT_EQ(plain.persistence->name, "SRV");
  EXPECT_FALSE(plain.persistence->indirect || plain.persistence->nocache || plain.persistence->httponly ||
               plain.persistence->secure);
  EXPECT_EQ(plain.servers[0].cookie, "sa");
  EXPECT_EQ(plain.servers[1].cookie, "");
  const auto& all = pool(c, "all");
  ASSERT_TRUE(all.persistence.has_value());
  EXPECT_EQ(all.persistence->name, "S");
  EXPECT_TRUE(all.persistence->indirect && all.persistence->nocache && all.persistence->httponly &&
              all.persistence->secure);
  EXPECT_EQ(all.persistence->domains, (std::vector<std::string>{".a.example", ".b.example"}));
  EXPECT_FALSE(pool(haproxy("backend be\n server a 10.0.0.1:80\n"), "be").persistence.has_value());
}

TEST(HaproxyKeywords, CheckDefaultsAreTwoSecondsRiseTwoFallThree) {
  auto c = haproxy("backend be\n server a 10.0.0.1:80 check\n");
  const auto& hc = pool(c, "be").health_check;
  ASSERT_TRUE(hc);
  EXPECT_EQ(hc->interval_ms, 2000);
  EXPECT_EQ(hc->rise, 2);
  EXPECT_EQ(hc->fall, 3);
  EXPECT_EQ(hc->timeout_ms, 2000);
  EXPECT_TRUE(hc->connect_only);  // no option httpchk: a TCP check
}

TEST(HaproxyKeywords, HttpCheckOldAndNewForms) {
  auto c = haproxy("backend old\n option httpchk GET /healthz HTTP/1.1\\r\\nHost:\\ example.com\n"
                   " http-check expect status 200\n timeout check 3s\n server a 10.0.0.1:80 check inter 10s rise 5 fall 1\n"
                   "backend new\n option httpchk\n http-check send meth HEAD uri /ping ver HTTP/1.1 hdr Host x.org\n"
                   " http-check expect rstatus ^20[04]$\n server a 10.0.0.1:80 check\n"
                   "backend plain\n option httpchk\n http-check expect string OK.\n server a 10.0.0.1:80 check\n");
  const auto& o = *pool(c, "old").health_check;
  EXPECT_FALSE(o.connect_only);
  EXPECT_EQ(o.method, "GET");
  EXPECT_EQ(o.uri, "/healthz");
  EXPECT_EQ(o.headers, (std::vector<std::pair<std::string, std::string>>{{"Host", "example.com"}}));
  EXPECT_EQ(o.expect_status, std::vector<int>{200});
  EXPECT_EQ(o.interval_ms, 10000);
  EXPECT_EQ(o.timeout_ms, 3000);
  EXPECT_EQ(o.rise, 5);
  EXPECT_EQ(o.fall, 1);
  const auto& n = *pool(c, "new").health_check;
  EXPECT_EQ(n.method, "HEAD");
  EXPECT_EQ(n.uri, "/ping");
  EXPECT_EQ(n.expect_status, (std::vector<int>{200, 204}));
  const auto& p = *pool(c, "plain").health_check;
  EXPECT_EQ(p.method, "OPTIONS");  // option httpchk alone: OPTIONS / HTTP/1.0
  EXPECT_EQ(p.uri, "/");
  EXPECT_EQ(p.expect_body_regex, "OK\\.");
  EXPECT_TRUE(p.expect_status.empty());
}

TEST(HaproxyKeywords, EveryBalanceAlgorithm) {
  auto policy = [](const std::string& balance, const std::string& extra = "") {
    auto c = haproxy("backend be\n " + extra + "balance " + balance + "\n server a 10.0.0.1:80\n");
    return c.pools.empty() ? ir::Balancing{} : c.pools[0].balancing;
  };
  EXPECT_EQ(policy("roundrobin").policy, ir::Balance::round_robin);
  EXPECT_EQ(policy("static-rr").policy, ir::Balance::round_robin);
  EXPECT_EQ(policy("leastconn").policy, ir::Balance::least_conn);
  EXPECT_EQ(policy("first").policy, ir::Balance::first);
  auto src = policy("source");
  EXPECT_EQ(src.policy, ir::Balance::hash);
  EXPECT_EQ(render(src.key), "${client_address}");
  EXPECT_FALSE(src.consistent);
  EXPECT_TRUE(policy("source", "hash-type consistent\n ").consistent);
  EXPECT_EQ(render(policy("uri").key), "${path}");
  EXPECT_EQ(render(policy("uri whole").key), "${request_uri}");
  EXPECT_EQ(render(policy("url_param userid").key), "${query_arg:userid}");
  EXPECT_EQ(render(policy("hdr(X-Tenant)").key), "${request_header:X-Tenant}");
  auto r = policy("random");
  EXPECT_EQ(r.policy, ir::Balance::random);
  EXPECT_EQ(r.choices, 2);
  EXPECT_EQ(policy("random(3)").choices, 3);
  auto h = policy("hash req.cook(sid)");
  EXPECT_EQ(render(h.key), "${cookie:sid}");
}

TEST(HaproxyKeywords, ProxySettingsLandOnTheRoute) {
  auto c = haproxy("defaults\n mode http\n timeout connect 3s\n timeout client 40s\n timeout server 50s\n"
                   " timeout tunnel 1h\n timeout http-keep-alive 2s\n retries 2\n option redispatch\n"
                   "frontend fe\n bind :80\n default_backend be\nbackend be\n server a 10.0.0.1:80\n");
  const auto& r = c.virtual_hosts.at(0).routes.at(0);
  EXPECT_EQ(r.name, "default_backend be");
  const auto& p = proxy_of(r);
  EXPECT_EQ(p.pool, "be");
  EXPECT_EQ(p.protocol, ir::UpstreamProtocol::http1_1);
  EXPECT_TRUE(p.upgrade);
  EXPECT_EQ(p.timeouts.connect_ms, 3000);
  EXPECT_EQ(p.timeouts.read_ms, 50000);
  EXPECT_EQ(p.timeouts.send_ms, 50000);
  EXPECT_EQ(p.timeouts.tunnel_ms, 3600000);
  EXPECT_EQ(p.retry.max_tries, 3);
  EXPECT_EQ(p.retry.on, std::vector<ir::RetryOn>{ir::RetryOn::error});
  EXPECT_FALSE(p.buffering.response);
  EXPECT_EQ(p.redirect_rewrite.mode, ir::RedirectRewriteMode::off);
  EXPECT_EQ(r.limits.idle_timeout_ms, 40000);
  EXPECT_EQ(r.limits.keepalive_timeout_ms, 2000);
  EXPECT_EQ(r.limits.max_body_bytes, 0);
  EXPECT_TRUE(r.request_headers.empty());  // HAProxy passes the request as is
}

TEST(HaproxyKeywords, WithoutRedispatchNoRetryOnAnotherServer) {
  auto c = haproxy("frontend fe\n bind :80\n default_backend be\nbackend be\n server a 10.0.0.1:80\n");
  const auto& p = proxy_of(c.virtual_hosts.at(0).routes.at(0));
  EXPECT_TRUE(p.retry.on.empty());
  EXPECT_EQ(p.timeouts.connect_ms, INT32_MAX);  // no timeout: HAProxy waits (and warns)
}

TEST(HaproxyKeywords, ForwardforAddsItsOwnLine) {
  auto c = haproxy("frontend fe\n bind :80\n option forwardfor\n default_backend be\n"
                   "frontend fe2\n bind :81\n option forwardfor except 127.0.0.0/8 header X-Client if-none\n"
                   " default_backend be\nbackend be\n server a 10.0.0.1:80\n");
  const auto& h = c.virtual_hosts.at(0).routes.at(0).request_headers;
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].op, ir::HeaderOpKind::add);
  EXPECT_EQ(h[0].name, "X-Forwarded-For");
  EXPECT_EQ(render(h[0].value), "${client_address}");
  const auto& h2 = c.virtual_hosts.at(1).routes.at(0).request_headers;
  ASSERT_EQ(h2.size(), 1u);
  EXPECT_EQ(h2[0].op, ir::HeaderOpKind::add_if_absent);
  EXPECT_EQ(h2[0].name, "X-Client");
  EXPECT_EQ(h2[0].except_clients, std::vector<std::string>{"127.0.0.0/8"});
}

TEST(HaproxyKeywords, ConnectionModes) {
  auto c = haproxy("backend a\n option http-server-close\n server s 10.0.0.1:80\n"
                   "backend b\n option httpclose\n server s 10.0.0.1:80\n"
                   "frontend fe\n bind :80\n option httpclose\n default_backend a\n");
  EXPECT_EQ(pool(c, "a").keepalive.max_idle, 0);
  EXPECT_EQ(pool(c, "b").keepalive.max_idle, 0);
  EXPECT_EQ(c.virtual_hosts.at(0).routes.at(0).limits.keepalive_timeout_ms, 0);
}

TEST(HaproxyKeywords, HeaderRulesAndLogFormatTemplates) {
  auto c = haproxy("frontend fe\n bind :80\n"
                   " http-request set-header X-Real-IP %[src]\n"
                   " http-request add-header X-Via \"proxy %H %ci:%cp\"\n"
                   " http-request del-header X-Secret\n"
                   " http-request set-header X-Host %[req.hdr(host),lower,regsub(^www\\.,),field(1,:)]\n"
                   " http-response set-header Strict-Transport-Security max-age=31536000\n"
                   " http-response del-header Server\n"
                   " default_backend be\n"
                   "backend be\n http-request set-header X-Backend be\n http-response add-header X-Be 1\n"
                   " server a 10.0.0.1:80\n");
  const auto& r = c.virtual_hosts.at(0).routes.at(0);
  ASSERT_EQ(r.request_headers.size(), 5u);
  EXPECT_EQ(r.request_headers[0].op, ir::HeaderOpKind::set);
  EXPECT_EQ(render(r.request_headers[0].value), "${client_address}");
  EXPECT_EQ(r.request_headers[1].op, ir::HeaderOpKind::add);
  EXPECT_EQ(render(r.request_headers[1].value), "proxy ${hostname} ${client_address}:${client_port}");
  EXPECT_EQ(r.request_headers[2].op, ir::HeaderOpKind::remove);
  const auto& host = r.request_headers[3].value.parts.at(0);
  EXPECT_EQ(host.var, ir::Var::request_header);
  ASSERT_EQ(host.converters.size(), 3u);
  EXPECT_EQ(host.converters[0].name, "lower");
  EXPECT_EQ(host.converters[1].name, "regsub");
  EXPECT_EQ(host.converters[1].args, (std::vector<std::string>{"^www\\.", ""}));
  EXPECT_EQ(host.converters[2].args, (std::vector<std::string>{"1", ":"}));
  EXPECT_EQ(r.request_headers[4].name, "X-Backend");  // backend rules after the frontend's
  ASSERT_EQ(r.response_headers.size(), 3u);
  EXPECT_EQ(r.response_headers[0].name, "X-Be");  // backend response rules run first
  EXPECT_EQ(r.response_headers[1].name, "Strict-Transport-Security");
  EXPECT_EQ(r.response_headers[2].op, ir::HeaderOpKind::remove);
}

TEST(HaproxyKeywords, PathRewrites) {
  auto c = haproxy("frontend fe\n bind :80\n http-request set-path /v2%[path]\n default_backend be\n"
                   "backend be\n http-request replace-path /api/(.*) /\\1\n server a 10.0.0.1:80\n");
  const auto& vh = c.virtual_hosts.at(0);
  ASSERT_EQ(vh.rewrites.size(), 1u);
  EXPECT_EQ(vh.rewrites[0].regex, "^.*$");
  EXPECT_EQ(render(vh.rewrites[0].replacement), "/v2${path}");
  EXPECT_EQ(vh.rewrites[0].flag, ir::RewriteFlag::continue_);  // before use_backend
  const auto& r = vh.routes.at(0);
  ASSERT_EQ(r.rewrites.size(), 1u);
  EXPECT_EQ(r.rewrites[0].regex, "/api/(.*)");
  EXPECT_EQ(render(r.rewrites[0].replacement), "/${regex_capture:1}");
  EXPECT_EQ(r.rewrites[0].flag, ir::RewriteFlag::break_);
}

TEST(HaproxyKeywords, RedirectDenyReturn) {
  auto c = haproxy("frontend fe\n bind :80\n"
                   " http-request redirect scheme https code 301 unless { ssl_fc }\n"
                   " http-request redirect prefix https://new.example.com drop-query if { hdr(host) old.example.com }\n"
                   " http-request redirect location /maintenance.html if { path /down }\n"
                   " http-request deny deny_status 429 if { path_beg /limited }\n"
                   " http-request return status 200 content-type text/plain string ok if { path /health }\n"
                   " http-request deny if { path_beg /admin }\n");
  const auto& rs = c.virtual_hosts.at(0).routes;
  ASSERT_EQ(rs.size(), 6u);
  EXPECT_EQ(rs[0].action.redirect->status, 301);
  EXPECT_EQ(render(rs[0].action.redirect->location), "https://${request_header:Host}${path}${query_mark}${query}");
  EXPECT_EQ(rs[1].action.redirect->status, 302);
  EXPECT_EQ(render(rs[1].action.redirect->location), "https://new.example.com${path}");
  EXPECT_EQ(render(rs[2].action.redirect->location), "/maintenance.html");
  EXPECT_EQ(rs[3].action.respond->status, 429);
  EXPECT_EQ(rs[4].action.respond->status, 200);
  EXPECT_EQ(render(*rs[4].action.respond->body), "ok");
  EXPECT_EQ(rs[4].response_headers.at(0).name, "Content-Type");
  EXPECT_EQ(rs[5].action.respond->status, 403);
  EXPECT_FALSE(rs[5].action.respond->body.has_value());
}

TEST(HaproxyKeywords, NoBackendAnswers503) {
  auto c = haproxy("frontend fe\n bind :80\n acl api path_beg /api\n use_backend be if api\n"
                   "backend be\n server a 10.0.0.1:80\n");
  const auto& fb = c.virtual_hosts.at(0).fallback;
  EXPECT_EQ(fb.action.kind, ir::ActionKind::respond);
  EXPECT_EQ(fb.action.respond->status, 503);
  EXPECT_EQ(route_for(c, "/other"), "fallback");
}

TEST(HaproxyKeywords, ListenIsFrontendAndBackend) {
  auto c = haproxy("listen app\n bind :8080\n balance leastconn\n option forwardfor\n server a 10.0.0.1:80\n");
  ASSERT_EQ(c.pools.size(), 1u);
  EXPECT_EQ(c.pools[0].name, "app");
  EXPECT_EQ(c.pools[0].balancing.policy, ir::Balance::least_conn);
  const auto& r = c.virtual_hosts.at(0).routes.at(0);
  EXPECT_EQ(r.name, "listen app");
  EXPECT_EQ(proxy_of(r).pool, "app");
  EXPECT_EQ(r.request_headers.size(), 1u);
}

TEST(HaproxyKeywords, DefaultsApplyToTheProxiesThatFollow) {
  auto c = compile_haproxy("defaults\n mode http\n timeout server 10s\n"
                           "backend a\n server s 10.0.0.1:80\n"
                           "defaults\n mode http\n"  // a new defaults section starts afresh
                           "backend b\n server s 10.0.0.1:80\n"
                           "frontend fe\n bind :80\n use_backend a if { path /a }\n default_backend b\n");
  ASSERT_TRUE(c.config) << c.errors();
  const auto& rs = c.config->virtual_hosts.at(0).routes;
  EXPECT_EQ(proxy_of(rs.at(0)).timeouts.read_ms, 10000);
  EXPECT_EQ(proxy_of(rs.at(1)).timeouts.read_ms, INT32_MAX);
}

TEST(HaproxyKeywords, NamedDefaultsAndFrom) {
  auto c = compile_haproxy("defaults web\n mode http\n timeout server 7s\n"
                           "defaults other\n mode http\n timeout server 9s\n"
                           "backend a from web\n server s 10.0.0.1:80\n"
                           "frontend fe from other\n bind :80\n default_backend a\n");
  ASSERT_TRUE(c.config) << c.errors();
  EXPECT_EQ(proxy_of(c.config->virtual_hosts.at(0).routes.at(0)).timeouts.read_ms, 7000);
}

TEST(HaproxyKeywords, ErrorfileBecomesANamedRoute) {
  std::string dir = ::testing::TempDir();
  std::string file = dir + "/pg-503.http";
  FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n\r\n<h1>down</h1>\n", f);
  std::fclose(f);
  auto c = haproxy("frontend fe\n bind :80\n errorfile 503 " + file + "\n");
  const auto& vh = c.virtual_hosts.at(0);
  ASSERT_EQ(vh.fallback.error_pages.size(), 1u);
  EXPECT_EQ(vh.fallback.error_pages[0].codes, std::vector<int>{503});
  EXPECT_EQ(vh.fallback.error_pages[0].target_kind, ir::ErrorTarget::named_route);
  ASSERT_EQ(vh.named_routes.size(), 1u);
  EXPECT_EQ(render(vh.fallback.error_pages[0].target), vh.named_routes[0].name);
  EXPECT_EQ(vh.named_routes[0].action.respond->status, 503);
  EXPECT_EQ(render(*vh.named_routes[0].action.respond->body), "<h1>down</h1>\n");
  EXPECT_EQ(vh.named_routes[0].response_headers.at(0).name, "Content-Type");
}

TEST(HaproxyKeywords, LogGlobalWithHttplog) {
  auto c = compile_haproxy("global\n log 127.0.0.1:514 local1\ndefaults\n mode http\n log global\n option httplog\n"
                           "frontend fe\n bind :80\n");
  ASSERT_TRUE(c.config) << c.errors();
  const auto& logs = c.config->virtual_hosts.at(0).fallback.access_logs;
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].path, "syslog:127.0.0.1:514,facility=local1,level=info,format=rfc3164,tag=haproxy,pid");
  EXPECT_EQ(logs[0].format, "httplog:fe");
  ASSERT_EQ(c.config->log_formats.size(), 1u);
  EXPECT_EQ(c.config->log_formats.at(0).name, "httplog:fe");
}

TEST(HaproxyKeywords, LogOptionsAndLevels) {
  // `format raw` and `len` before the facility; a max level below info gets no traffic logs.
  auto c = compile_haproxy("global\n log stdout len 2048 format raw daemon\n log /dev/log local0 notice\n"
                           "defaults\n mode http\n log global\nfrontend fe\n bind :80\n");
  ASSERT_TRUE(c.config) << c.errors();
  EXPECT_NE(c.errors().find("log option 'len 2048' is ignored"), std::string::npos) << c.errors();
  const auto& logs = c.config->virtual_hosts.at(0).fallback.access_logs;
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].path, "syslog:stdout,facility=daemon,level=info,format=raw,tag=haproxy,pid");
  EXPECT_EQ(logs[0].format, "haproxy_default:fe");
  auto bad = compile_haproxy("global\n log stdout format iso daemon\n");
  EXPECT_NE(bad.errors().find("log format 'iso' is not supported by proxyglot yet"), std::string::npos);
  auto unknown = compile_haproxy("global\n log stdout format json daemon\n");
  EXPECT_NE(unknown.errors().find("unknown log format 'json'"), std::string::npos);
}


std::string warnings_of(const std::string& text) {
  auto r = compile_haproxy(text);
  EXPECT_TRUE(r.config.has_value()) << r.errors();
  return r.errors();
}

TEST(HaproxyKeywords, SettingsWithoutAnIrFormAreWarned) {
  auto w = warnings_of("global\n stats socket /run/haproxy.sock mode 660\n"
                       "defaults\n mode http\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n"
                       " timeout queue 30s\n option dontlognull\n option http-keep-alive\n"
                       "frontend f\n bind :80\n maxconn 100\n default_backend b\n"
                       "backend b\n server s 10.0.0.1:80 check fastinter 1s\n");
  EXPECT_NE(w.find("test.cfg:2:2: warning: 'stats socket' has no equivalent in the IR"), std::string::npos) << w;
  EXPECT_NE(w.find("test.cfg:8:2: warning: 'timeout queue' has no equivalent in the IR"), std::string::npos) << w;
  EXPECT_NE(w.find("test.cfg:13:2: warning: a proxy's 'maxconn' has no equivalent in the IR"), std::string::npos) << w;
  EXPECT_NE(w.find("test.cfg:16:2: warning: server s: 'fastinter'/'downinter' are not represented"), std::string::npos) << w;
}

TEST(HaproxyKeywords, FrontendConnectionModeCannotReachASharedPool) {
  auto w = warnings_of("defaults\n mode http\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n"
                       "frontend f\n bind :80\n option http-server-close\n default_backend b\n"
                       "backend b\n server s 10.0.0.1:80\n");
  EXPECT_NE(w.find("test.cfg:9:2: warning: frontend 'f' closes server connections, but the IR keeps those of "
                   "backend 'b' alive"), std::string::npos) << w;
}

TEST(HaproxyKeywords, ListenWithLegacyAddress) {
  auto c = haproxy("listen app 127.0.0.1:8080\n server a 10.0.0.1:80\n");
  ASSERT_EQ(c.listeners.size(), 1u);
  EXPECT_EQ(c.listeners[0].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[0].port, 8080);
}

TEST(HaproxyKeywords, HttpRequestTimeoutIsTheKeepAliveFallback) {
  auto c = haproxy("frontend f\n bind :80\n timeout client 30s\n timeout http-request 5s\n");
  EXPECT_EQ(c.virtual_hosts.at(0).fallback.limits.keepalive_timeout_ms, 5000);
  EXPECT_EQ(c.virtual_hosts.at(0).fallback.limits.idle_timeout_ms, 30000);
}

TEST(HaproxyKeywords, MatchFlagsEndOfFlagsAndDomains) {
  auto c = haproxy("frontend f\n bind :80\n use_backend b if { path -- -dash }\n"
                   " use_backend b if { path -m dom img }\n use_backend b if { path_beg -i /CaSe }\n"
                   "backend b\n server s 10.0.0.1:80\n");
  EXPECT_EQ(route_for(c, "-dash"), "use_backend b if { path -- -dash }");
  EXPECT_EQ(route_for(c, "/a/img.x"), "use_backend b if { path -m dom img }");
  EXPECT_EQ(route_for(c, "/case/x"), "use_backend b if { path_beg -i /CaSe }");
  EXPECT_EQ(route_for(c, "/images"), "fallback");
}


// The IR fields HAProxy added (converters, add_if_absent, except_clients, tunnel and
// client timeouts, connect-only checks, query_arg predicates) survive the JSON round trip.
TEST(HaproxyKeywords, NewIrFieldsRoundTripThroughJson) {
  auto c = haproxy("frontend fe\n bind :80\n option forwardfor except 10.0.0.0/8 if-none\n timeout client 5s\n"
                   " http-request set-header X %[req.hdr(host),lower,regsub(a,b,g)]\n"
                   " use_backend be if { url_param(v) 1 } || { url_param(w) -m found }\n"
                   "backend be\n timeout tunnel 1h\n server a 10.0.0.1:80 check\n");
  std::string json = ir::to_canonical_json(c);
  EXPECT_NE(json.find("\"regsub\""), std::string::npos);
  EXPECT_NE(json.find("\"add_if_absent\""), std::string::npos);
  EXPECT_NE(json.find("\"query_arg_present\""), std::string::npos);
  EXPECT_NE(json.find("\"connect_only\": true"), std::string::npos);
  EXPECT_EQ(ir::to_canonical_json(ir::config_from_json(json)), json);
}

}  // namespace
}  // namespace pg::test

namespace pg::test {
namespace {

TEST(HaproxyTemplates, SslFcInLogFormatValues) {
  auto c = haproxy("frontend fe\n bind :80\n http-request set-header X-TLS %[ssl_fc]\n default_backend b\n"
                   "backend b\n server s 127.0.0.1:1\n");
  bool found = false;
  for (const auto& r : c.virtual_hosts.at(0).routes)
    for (const auto& h : r.request_headers)
      if (h.name == "X-TLS") found = h.value.parts.size() == 1 && h.value.parts[0].var == ir::Var::tls_active;
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace pg::test

namespace pg::test {
namespace {

TEST(HaproxyBalance, RdpCookieIsRoundRobinInHttpMode) {
  auto r = compile_haproxy("defaults\n mode http\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n"
                           "backend b\n balance rdp-cookie\n server s 127.0.0.1:1\n");
  ASSERT_TRUE(r.config) << r.errors();
  EXPECT_EQ(r.config->pools.at(0).balancing.policy, ir::Balance::round_robin);
  EXPECT_NE(r.errors().find("test.cfg:7:10: warning: 'balance rdp-cookie' hashes RDP's connection cookie"),
            std::string::npos)
      << r.errors();
}


TEST(HaproxyKeywords, HttpErrorInEveryProxyIsTheProductsPage) {
  auto c = haproxy(" http-error status 503 content-type text/html string \"<p>busy</p>\" hdr Cache-Control no-cache\n"
                   " http-error status 502\n"
                   "frontend fe\n bind :80\n default_backend be\nbackend be\n server s 127.0.0.1:9000\n");
  std::map<int, std::string> pages;
  for (const auto& p : c.responses.pages) pages[p.status] = p.body;
  EXPECT_EQ(pages[503], "<p>busy</p>");
  EXPECT_EQ(pages[502], "");  // an empty answer
  EXPECT_TRUE(pages[404].find("404 Not Found") != std::string::npos);  // HAProxy's own
  // Every page with a body sends Cache-Control: no-cache (HAProxy's own, and the hdr).
  ASSERT_EQ(c.responses.page_fields.size(), 1u);
  // Not a route's error page: the product's page.
  EXPECT_TRUE(c.virtual_hosts[0].named_routes.empty());
  EXPECT_TRUE(c.virtual_hosts[0].routes[0].error_pages.empty());
}

TEST(HaproxyKeywords, HttpErrorOfOneProxyStaysWithItsRoutes) {
  auto c = haproxy("frontend fe\n bind :80\n default_backend be\n"
                   "backend be\n http-error status 503 content-type text/plain string down\n server s 127.0.0.1:9000\n");
  const auto& vh = c.virtual_hosts[0];
  ASSERT_EQ(vh.named_routes.size(), 1u);
  EXPECT_EQ(vh.named_routes[0].name, "http-error status 503 (line 7)");
  ASSERT_TRUE(vh.named_routes[0].action.respond);
  EXPECT_EQ(vh.named_routes[0].action.respond->status, 503);
  ASSERT_EQ(vh.routes[0].error_pages.size(), 1u);
  EXPECT_EQ(vh.routes[0].error_pages[0].codes, std::vector<int>{503});
  EXPECT_NE(haproxy_errors("defaults\n mode http\n http-error status 503 string x\n")
                .find("a content type must be defined"), std::string::npos);
  EXPECT_NE(haproxy_errors("defaults\n mode http\n http-error status 418\n").find("not handled"), std::string::npos);
}

TEST(HaproxyKeywords, BodySizeDenyIsTheRequestBodyLimit) {
  auto c = haproxy("frontend fe\n bind :80\n option http-buffer-request\n"
                   " http-request deny deny_status 413 if { req.body_size gt 1024 }\n default_backend be\n"
                   "backend be\n server s 127.0.0.1:9000\n");
  const auto& vh = c.virtual_hosts[0];
  EXPECT_EQ(vh.routes.size(), 1u);  // the deny is no route of its own
  EXPECT_EQ(vh.routes[0].limits.max_body_bytes, 1024);
  EXPECT_EQ(vh.fallback.limits.max_body_bytes, 1024);
  auto named = haproxy("frontend fe\n bind :80\n option http-buffer-request\n acl big req.body_size ge 2048\n"
                       " http-request deny deny_status 413 if big\n default_backend be\n"
                       "backend be\n server s 127.0.0.1:9000\n");
  EXPECT_EQ(named.virtual_hosts[0].routes[0].limits.max_body_bytes, 2047);
  // Other shapes are diagnosed.
  std::string d = "defaults\n mode http\nfrontend fe\n bind :80\n";
  EXPECT_NE(haproxy_errors(d + " http-request deny deny_status 413 if { req.body_size gt 10 }\n")
                .find("without 'option http-buffer-request'"), std::string::npos);
  EXPECT_NE(haproxy_errors(d + " option http-buffer-request\n http-request deny if { req.body_size gt 10 }\n")
                .find("supported by proxyglot only as"), std::string::npos);
  EXPECT_NE(haproxy_errors(d + " use_backend b if { req.body_size gt 10 }\n").find("supported by proxyglot only as"),
            std::string::npos);
}

TEST(HaproxyKeywords, RetryOnIsWhatARetryAnswers) {
  auto c = haproxy("frontend fe\n bind :80\n default_backend be\n"
                   "backend be\n retries 2\n option redispatch\n retry-on 503 response-timeout conn-failure 0rtt-rejected\n"
                   " server s 127.0.0.1:9000\n");
  using R = ir::RetryOn;
  const auto& a = proxy_of(c.virtual_hosts[0].routes[0]);
  EXPECT_EQ(a.retry.on, (std::vector<R>{R::error, R::timeout, R::http_503}));
  EXPECT_EQ(a.retry.max_tries, 3);
  auto none = haproxy("frontend fe\n bind :80\n default_backend be\n"
                      "backend be\n option redispatch\n retry-on none\n server s 127.0.0.1:9000\n");
  EXPECT_TRUE(proxy_of(none.virtual_hosts[0].routes[0]).retry.on.empty());
  auto all = haproxy("frontend fe\n bind :80\n default_backend be\n"
                     "backend be\n option redispatch\n retry-on all-retryable-errors\n server s 127.0.0.1:9000\n");
  EXPECT_EQ(proxy_of(all.virtual_hosts[0].routes[0]).retry.on,
            (std::vector<R>{R::error, R::timeout, R::invalid_header, R::http_500, R::http_502, R::http_503, R::http_504}));
}

TEST(HaproxyKeywords, SetSrcFromATrustedProxyIsTheRealClientAddress) {
  const char* be = " default_backend app\nbackend app\n server s 127.0.0.1:9000\n";
  auto c = haproxy(std::string("frontend fe\n bind :80\n acl lb src 10.0.0.0/8 192.168.1.1\n"
                               " http-request set-header X-Proto http\n"
                               " http-request set-src hdr_ip(X-Forwarded-For,-1) if lb || { src 172.16.0.0/12 }\n") + be);
  const auto& rip = c.virtual_hosts[0].real_ip;
  EXPECT_EQ(rip.trusted, (std::vector<std::string>{"10.0.0.0/8", "192.168.1.1", "172.16.0.0/12"}));
  EXPECT_EQ(rip.header, "X-Forwarded-For");
  EXPECT_FALSE(rip.recursive);
  // Without an occurrence (the last one too), without a condition (every client).
  auto all = haproxy(std::string("frontend fe\n bind :80\n http-request set-src req.hdr_ip(X-Real-IP)\n") + be);
  EXPECT_EQ(all.virtual_hosts[0].real_ip.trusted, (std::vector<std::string>{"0.0.0.0/0", "::/0"}));
  EXPECT_EQ(all.virtual_hosts[0].real_ip.header, "X-Real-IP");
  auto local = haproxy(std::string("frontend fe\n bind :80\n http-request set-src hdr(x-client) if LOCALHOST\n") + be);
  EXPECT_EQ(local.virtual_hosts[0].real_ip.trusted, (std::vector<std::string>{"127.0.0.1/8", "::1"}));
}

TEST(HaproxyKeywords, SetSrcOfOtherShapesIsRefused) {
  const char* be = " default_backend app\nbackend app\n server s 127.0.0.1:9000\n";
  auto err = [&](const std::string& rule) {
    return haproxy_errors(std::string("defaults\n mode http\nfrontend fe\n bind :80\n") + rule + be);
  };
  EXPECT_NE(err(" http-request set-src hdr_ip(X-Forwarded-For,1) if { src 10.0.0.0/8 }\n")
                .find("takes occurrence 1 of the header; the IR takes its last address only"), std::string::npos);
  EXPECT_NE(err(" http-request set-src src,ipmask(24)\n").find("supported by proxyglot only as 'req.hdr_ip(HEADER[,-1])'"),
            std::string::npos);
  EXPECT_NE(err(" http-request set-src hdr_ip(X-Forwarded-For) if { path_beg /x }\n")
                .find("this condition tests more than the client address"), std::string::npos);
  EXPECT_NE(err(" http-request set-src hdr_ip(X-Forwarded-For) unless { src 10.0.0.0/8 }\n")
                .find("this condition tests more than the client address"), std::string::npos);
  EXPECT_NE(err(" http-request deny if { src 192.0.2.1 }\n http-request set-src hdr_ip(X-Forwarded-For)\n")
                .find("after a rule that uses the client address (line 5)"), std::string::npos);
  EXPECT_NE(haproxy_errors("defaults\n mode http\nfrontend fe\n bind :80\n default_backend app\n"
                           "backend app\n http-request set-src hdr_ip(X-Forwarded-For)\n server s 127.0.0.1:9000\n")
                .find("'http-request set-src' in a backend is not supported by proxyglot yet"), std::string::npos);
}

}  // namespace
}  // namespace pg::test
