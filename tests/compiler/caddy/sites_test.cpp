// Site addresses, automatic HTTPS, tls, log and the global options.
#include <gtest/gtest.h>

#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

const ir::Listener& listener_of(const ir::Config& c, size_t vhost, size_t i = 0) {
  return c.listeners.at(static_cast<size_t>(c.virtual_hosts.at(vhost).listeners.at(i)));
}

TEST(CaddySites, DomainMeansAutomaticHttpsWithRedirect) {
  auto c = caddy("example.com {\n\trespond hi\n}\n");
  ASSERT_EQ(c.virtual_hosts.size(), 2u);
  const auto& site = c.virtual_hosts[0];
  EXPECT_EQ(site.names.at(0).value, "example.com");
  EXPECT_EQ(listener_of(c, 0).port, 443);
  EXPECT_TRUE(listener_of(c, 0).tls);
  EXPECT_TRUE(listener_of(c, 0).http2);
  ASSERT_TRUE(site.tls);
  EXPECT_TRUE(site.tls->generated_certificates);
  EXPECT_TRUE(site.tls->certificates.empty());
  const auto& redirect = c.virtual_hosts[1];
  EXPECT_EQ(redirect.names.at(0).value, "example.com");
  EXPECT_EQ(listener_of(c, 1).port, 80);
  EXPECT_FALSE(listener_of(c, 1).tls);
  ASSERT_EQ(redirect.routes.size(), 1u);
  ASSERT_TRUE(redirect.routes[0].action.redirect);
  EXPECT_EQ(redirect.routes[0].action.redirect->status, 308);
  EXPECT_EQ(render(redirect.routes[0].action.redirect->location), "https://${host}${request_uri}");
}

TEST(CaddySites, HttpSchemePortsAndCatchAll) {
  auto c = caddy("http://a.com {\n\trespond a\n}\n:8080 {\n\trespond b\n}\nlocalhost:8443 {\n\trespond c\n}\n");
  ASSERT_EQ(c.virtual_hosts.size(), 3u);  // no redirect: nothing on the default HTTPS port
  EXPECT_EQ(listener_of(c, 0).port, 80);
  EXPECT_FALSE(listener_of(c, 0).tls);
  EXPECT_FALSE(c.virtual_hosts[0].tls);
  EXPECT_TRUE(c.virtual_hosts[1].names.empty());
  EXPECT_EQ(listener_of(c, 1).port, 8080);
  EXPECT_EQ(listener_of(c, 1).default_virtual_host, 1);
  EXPECT_EQ(listener_of(c, 2).port, 8443);
  EXPECT_TRUE(listener_of(c, 2).tls);
  EXPECT_TRUE(c.virtual_hosts[2].tls->generated_certificates);
}

TEST(CaddySites, WildcardNamesAndSeveralAddresses) {
  auto c = caddy("*.example.com, example.com {\n\trespond x\n}\n");
  const auto& names = c.virtual_hosts.at(0).names;
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].kind, ir::NameKind::wildcard_prefix);
  EXPECT_EQ(names[1].kind, ir::NameKind::exact);
}

TEST(CaddySites, ExplicitHttpSiteSuppressesTheRedirect) {
  auto c = caddy("a.com {\n\trespond s\n}\nhttp://a.com {\n\trespond plain\n}\n");
  ASSERT_EQ(c.virtual_hosts.size(), 2u);
  EXPECT_EQ(listener_of(c, 1).port, 80);
  EXPECT_EQ(render(*c.virtual_hosts[1].routes[0].action.respond->body), "plain");
}

TEST(CaddySites, AddressPathRestrictsEveryRoute) {
  auto c = caddy("http://a.com/api/* {\n\trespond api\n}\n");
  EXPECT_EQ(caddy_route_for(c, "/api/x"), "respond");
  EXPECT_EQ(caddy_route_for(c, "/other"), "fallback");
}

TEST(CaddySites, GlobalPortsAndAutoHttps) {
  auto c = caddy("{\n\thttp_port 8080\n\thttps_port 8443\n}\na.com {\n\trespond x\n}\n");
  EXPECT_EQ(listener_of(c, 0).port, 8443);
  EXPECT_EQ(listener_of(c, 1).port, 8080);
  EXPECT_EQ(render(c.virtual_hosts[1].routes[0].action.redirect->location), "https://${host}:8443${request_uri}");

  auto no_redirect = caddy("{\n\tauto_https disable_redirects\n}\na.com {\n\trespond x\n}\n");
  EXPECT_EQ(no_redirect.virtual_hosts.size(), 1u);
  EXPECT_TRUE(no_redirect.virtual_hosts[0].tls->generated_certificates);

  Compiled off = compile_caddy("{\n\tauto_https off\n}\na.com {\n\trespond x\n}\n");
  ASSERT_TRUE(off.config) << off.errors();
  EXPECT_EQ(off.config->virtual_hosts.size(), 1u);
  EXPECT_FALSE(off.config->virtual_hosts[0].tls->generated_certificates);
  EXPECT_EQ(off.errors(), "Caddyfile:4:1: warning: TLS on port 443 with no certificate (auto_https off)\n");
}

TEST(CaddySites, TlsDirective) {
  auto c = caddy("a.com {\n\ttls /etc/a.pem /etc/a.key {\n\t\tprotocols tls1.3\n\t}\n\trespond x\n}\n");
  const auto& tls = *c.virtual_hosts.at(0).tls;
  ASSERT_EQ(tls.certificates.size(), 1u);
  EXPECT_EQ(tls.certificates[0].certificate, "/etc/a.pem");
  EXPECT_EQ(tls.certificates[0].key, "/etc/a.key");
  EXPECT_FALSE(tls.generated_certificates);
  EXPECT_EQ(tls.protocols, std::vector<std::string>{"TLSv1.3"});
  auto internal = caddy("{\n\tauto_https disable_certs\n}\na.com {\n\ttls internal\n\trespond x\n}\n");
  EXPECT_TRUE(internal.virtual_hosts[0].tls->generated_certificates);
  auto range = caddy("a.com {\n\ttls {\n\t\tprotocols tls1.2 tls1.3\n\t}\n}\n");
  EXPECT_EQ(range.virtual_hosts[0].tls->protocols, (std::vector<std::string>{"TLSv1.2", "TLSv1.3"}));
}

TEST(CaddySites, LogAndDebug) {
  auto c = caddy("{\n\tdebug\n}\n:8080 {\n\tlog {\n\t\toutput file /var/log/a.log\n\t\tformat console\n\t}\n\trespond x\n}\n");
  ASSERT_EQ(c.globals.error_logs.size(), 1u);
  EXPECT_EQ(c.globals.error_logs[0].level, "debug");
  const auto& logs = c.virtual_hosts[0].routes[0].access_logs;
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].path, "/var/log/a.log");
  EXPECT_EQ(logs[0].format, "caddy_console");
  ASSERT_EQ(c.log_formats.size(), 2u);
  EXPECT_EQ(c.log_formats[0].escape, ir::LogEscape::json);
  auto plain = caddy(":8080 {\n\tlog\n}\n");
  EXPECT_EQ(plain.virtual_hosts[0].fallback.access_logs.at(0).path, "stderr");
}

TEST(CaddySites, ServersProtocolsAndAdmin) {
  Compiled c = compile_caddy("{\n\tadmin off\n\tservers {\n\t\tprotocols h1 h2c\n\t}\n}\na.com, http://b.com {\n\trespond x\n}\n");
  ASSERT_TRUE(c.config) << c.errors();
  EXPECT_EQ(c.errors(), "Caddyfile:2:2: warning: admin: the admin endpoint is not part of the IR (proxyglot's runtime has its own)\n");
  for (const auto& l : c.config->listeners) EXPECT_EQ(l.http2, !l.tls) << l.port;
}

TEST(CaddySites, BindChoosesTheListenAddresses) {
  auto c = caddy("a.com {\n\tbind 127.0.0.1 [::1]\n\trespond x\n}\n:8080 {\n\trespond y\n}\n");
  const auto& site = c.virtual_hosts.at(0);
  ASSERT_EQ(site.listeners.size(), 2u);
  EXPECT_EQ(c.listeners[static_cast<size_t>(site.listeners[0])].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[static_cast<size_t>(site.listeners[1])].address, "::1");
  EXPECT_EQ(c.listeners[static_cast<size_t>(site.listeners[1])].port, 443);
  EXPECT_EQ(c.virtual_hosts[1].listeners.size(), 2u);  // the redirect, on the same addresses
  EXPECT_EQ(listener_of(c, 2).address, "0.0.0.0");
}

TEST(CaddySites, GlobalLogIsTheErrorLog) {
  auto c = caddy("{\n\tlog {\n\t\toutput file /var/log/caddy/caddy.log\n\t\tlevel WARN\n\t}\n}\n:8080 {\n}\n");
  ASSERT_EQ(c.globals.error_logs.size(), 1u);
  EXPECT_EQ(c.globals.error_logs[0].path, "/var/log/caddy/caddy.log");
  EXPECT_EQ(c.globals.error_logs[0].level, "warn");
  Compiled bad = compile_caddy("{\n\tlog {\n\t\tlevel LOUD\n\t}\n}\n");
  EXPECT_EQ(bad.errors(), "Caddyfile:3:9: error: unrecognized log level 'LOUD'\n");
}

TEST(CaddySites, EmailIsAWarning) {
  Compiled c = compile_caddy("{\n\temail ops@example.com\n}\n:8080 {\n}\n");
  ASSERT_TRUE(c.config);
  EXPECT_EQ(c.errors(), "Caddyfile:2:2: warning: email: an ACME account is not part of the IR (certificates are made locally)\n");
}

TEST(CaddySites, ImportOfFilesAndGlobs) {
  std::string dir = ::testing::TempDir() + "/caddy_import_test";
  std::string mk = "mkdir -p " + dir + "/sites";
  ASSERT_EQ(std::system(mk.c_str()), 0);
  FILE* f = std::fopen((dir + "/sites/a.caddy").c_str(), "w");
  std::fputs("http://a.com {\n\trespond a\n}\n", f);
  std::fclose(f);
  f = std::fopen((dir + "/common.caddy").c_str(), "w");
  std::fputs("header X-Common {args.0}\n", f);
  std::fclose(f);
  Compiled c = compile_caddy("import sites/*.caddy\nhttp://b.com {\n\timport common.caddy yes\n\trespond b\n}\n",
                             dir + "/Caddyfile");
  ASSERT_TRUE(c.config) << c.errors();
  ASSERT_EQ(c.config->virtual_hosts.size(), 2u);
  EXPECT_EQ(c.config->virtual_hosts[0].names[0].value, "a.com");
  const auto& r = c.config->virtual_hosts[1].routes.at(0);
  ASSERT_EQ(r.response_headers.size(), 1u);
  EXPECT_EQ(render(r.response_headers[0].value), "yes");
}

}  // namespace
}  // namespace pg::test
