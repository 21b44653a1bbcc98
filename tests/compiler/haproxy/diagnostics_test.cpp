// Diagnostics: FILE:LINE:COL: error: MESSAGE at the line HAProxy itself reports (or at
// the offending keyword where HAProxy names no line), every error recovery allows. The
// second half checks the line against the real haproxy -c.
#include <gtest/gtest.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "support/haproxy_fixture.h"
#include "support/process.h"

namespace pg::test {
namespace {

std::string errors_of(const std::string& text) {
  auto r = compile_haproxy(text);
  EXPECT_FALSE(r.config.has_value()) << "expected errors for:\n" << text;
  return r.errors();
}

void expect_has(const std::string& all, const std::string& line) {
  EXPECT_NE(all.find(line + "\n"), std::string::npos) << "missing: " << line << "\nin:\n" << all;
}

const char* kHttp = "defaults\n mode http\n timeout connect 1s\n timeout client 1s\n timeout server 1s\n";

TEST(HaproxyDiagnostics, UnknownKeyword) {
  expect_has(errors_of("frontend fe\n bind :80\n frobnicate on\n"),
             "test.cfg:3:2: error: unknown keyword 'frobnicate' in 'frontend' section");
  expect_has(errors_of("defaults\n option frobnicate\n"), "test.cfg:2:2: error: unknown option 'frobnicate'.");
  expect_has(errors_of("frontend f\n http-request frob x\n"),
             "test.cfg:2:2: error: 'http-request' expects a known action, but got 'frob'.");
  expect_has(errors_of("frontend f\n timeout frob 5s\n"),
             "test.cfg:2:2: error: 'timeout' supports 'client', 'server', 'connect', 'check', 'queue', "
             "'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got 'frob')");
}

TEST(HaproxyDiagnostics, CookieModesOtherThanInsert) {
  expect_has(errors_of("backend be\n cookie SRV rewrite\n"),
             "test.cfg:2:13: error: 'cookie' option 'rewrite' is not supported by proxyglot yet (only insert is)");
  expect_has(errors_of("backend be\n cookie SRV insert maxidle 1h\n"),
             "test.cfg:2:20: error: 'cookie' option 'maxidle' is not supported by proxyglot yet (only insert is)");
  expect_has(errors_of("backend be\n cookie SRV\n"),
             "test.cfg:2:2: error: 'cookie SRV' without 'insert' (the server's own cookie, rewritten or prefixed) is not "
             "supported by proxyglot yet");
  expect_has(errors_of("backend be\n cookie SRV insert frob\n"),
             "test.cfg:2:20: error: 'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', "
             "'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.");
  expect_has(errors_of("backend be\n cookie SRV insert domain\n"),
             "test.cfg:2:20: error: 'cookie' 'domain' option needs a domain name as argument.");
  expect_has(errors_of("backend be\n server a 10.0.0.1:80 cookie\n"),
             "test.cfg:2:23: error: 'server be/a' : 'cookie' expects <value> as argument.");
}

TEST(HaproxyDiagnostics, KeywordsOfAnotherSectionAreUnknownThere) {
  expect_has(errors_of("global\n timeout client 5s\n"), "test.cfg:2:2: error: unknown keyword 'timeout' in 'global' section");
  expect_has(errors_of("defaults\n nbthread 2\n"), "test.cfg:2:2: error: unknown keyword 'nbthread' in 'defaults' section");
}

TEST(HaproxyDiagnostics, KeywordOutsideSection) {
  expect_has(errors_of("bind :80\n"), "test.cfg:1:1: error: unknown keyword 'bind' out of section.");
}

TEST(HaproxyDiagnostics, NotSupportedYetNamesTheKeyword) {
  expect_has(errors_of("backend b\n stick-table type ip size 1m\n"),
             "test.cfg:2:2: error: 'stick-table' is not supported by proxyglot yet");
  expect_has(errors_of("frontend f\n http-request set-var(txn.x) str(y)\n"),
             "test.cfg:2:2: error: 'http-request set-var' is not supported by proxyglot yet");
  expect_has(errors_of("frontend f\n mode tcp\n"), "test.cfg:2:7: error: 'mode tcp' is not supported by proxyglot yet");
  expect_has(errors_of("peers p\n peer a 1.1.1.1:1\n"), "test.cfg:1:1: error: section 'peers' is not supported by proxyglot yet");
}

TEST(HaproxyDiagnostics, NotAllowedInSection) {
  expect_has(errors_of("backend b\n bind :80\n"), "test.cfg:2:2: error: 'bind' not allowed in 'backend' section");
  expect_has(errors_of("frontend f\n server s 1.1.1.1:80\n"), "test.cfg:2:2: error: 'server' not allowed in 'frontend' section");
}

TEST(HaproxyDiagnostics, CapabilityMismatchIsAWarning) {
  auto r = compile_haproxy(std::string(kHttp) + "frontend f\n bind :80\n timeout server 5s\n");
  ASSERT_TRUE(r.config) << r.errors();
  expect_has(r.errors(), "test.cfg:8:2: warning: 'timeout server' will be ignored because frontend 'f' has no backend capability");
}

TEST(HaproxyDiagnostics, BadAlgorithmDurationPortRise) {
  expect_has(errors_of("backend b\n balance weird\n"),
             "test.cfg:2:10: error: balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', "
             "'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.");
  expect_has(errors_of("defaults\n timeout connect 5x\n"), "test.cfg:2:18: error: unexpected character 'x' in 'timeout connect'");
  expect_has(errors_of("frontend f\n bind :99999\n"), "test.cfg:2:7: error: 'bind' : invalid port '99999'");
  expect_has(errors_of("backend b\n server s 1.1.1.1:70000\n"), "test.cfg:2:11: error: 'server b/s' : invalid port '70000'");
  expect_has(errors_of("backend b\n server s 1.1.1.1:80 check rise 0\n"),
             "test.cfg:2:33: error: 'server b/s' : 'rise' has to be > 0.");
  expect_has(errors_of("frontend f\n bind 1.2.3.4\n"), "test.cfg:2:7: error: bind '1.2.3.4' : missing port number: '1.2.3.4'");
}

TEST(HaproxyDiagnostics, UndefinedAclAndBackend) {
  auto e = errors_of(std::string(kHttp) + "frontend fe\n bind :80\n use_backend x if missing_acl\n"
                     " use_backend nope if { path / }\n default_backend gone\nbackend x\n server s 1.1.1.1:80\n");
  expect_has(e, "test.cfg:8:19: error: no such ACL : 'missing_acl'");
  expect_has(e, "test.cfg:9:2: error: Proxy 'fe': unable to find required use_backend: 'nope'.");
  expect_has(e, "test.cfg:10:2: error: Proxy 'fe': unable to find required default_backend: 'gone'.");
}

TEST(HaproxyDiagnostics, UnsupportedFetchAndConverterAreNamed) {
  auto e = errors_of(std::string(kHttp) + "frontend fe\n bind :80\n acl a base_beg example.com/x\n"
                     " http-request set-header X %[req.hdr(host),base64]\n"
                     " http-request set-header Y %[ssl_fc_sni]\n http-request set-header Z %Tq\n");
  expect_has(e, "test.cfg:8:8: error: fetch 'base_beg' is not supported by proxyglot yet");
  expect_has(e, "test.cfg:9:28: error: converter 'base64' is not supported by proxyglot yet");
  expect_has(e, "test.cfg:10:28: error: sample fetch 'ssl_fc_sni' is not supported by proxyglot yet");
  expect_has(e, "test.cfg:11:28: error: log-format variable '%Tq' is not supported by proxyglot yet");
}

TEST(HaproxyDiagnostics, TooManyConditionalHeaderRules) {
  std::string t = std::string(kHttp) + "frontend fe\n bind :80\n default_backend b\n";
  for (int i = 0; i < 5; ++i) t += " http-request set-header X-" + std::to_string(i) + " 1 if { path /" + std::to_string(i) + " }\n";
  t += "backend b\n server s 1.1.1.1:80\n";
  expect_has(errors_of(t), "test.cfg:13:2: error: more than 4 conditional header or path rules for one backend are not "
                           "supported by proxyglot yet");
}

TEST(HaproxyDiagnostics, ConditionOnAHeaderAnEarlierRuleChanged) {
  auto e = errors_of(std::string(kHttp) + "frontend fe\n bind :80\n http-request set-header X-Env prod\n"
                     " use_backend b if { req.hdr(x-env) prod }\n default_backend b\nbackend b\n server s 1.1.1.1:80\n");
  expect_has(e, "test.cfg:9:2: error: 'use_backend' tests header 'x-env', which an earlier http-request rule changes: "
                "not supported by proxyglot yet");
}

TEST(HaproxyDiagnostics, BackendConditionOnAChangedPathOrHeader) {
  auto e = errors_of(std::string(kHttp) + "frontend fe\n bind :80\n http-request set-header X-A 1\n default_backend b\n"
                     "backend b\n http-request set-path /x%[path]\n"
                     " http-request set-header X-B 1 if { path_beg /x }\n"
                     " http-request set-header X-C 1 if { req.hdr(x-a) 1 }\n server s 1.1.1.1:80\n");
  expect_has(e, "test.cfg:12:2: error: 'http-request set-header' tests the path, which an earlier path rule of the "
                "backend changes: not supported by proxyglot yet");
  expect_has(e, "test.cfg:13:2: error: 'http-request set-header' tests header 'x-a', which an earlier http-request "
                "rule changes: not supported by proxyglot yet");
}

TEST(HaproxyDiagnostics, TcpModeProxyIsReported) {
  expect_has(errors_of("frontend fe\n bind :80\n"),
             "test.cfg:1:1: error: frontend 'fe' is in TCP mode (no 'mode http'), which is not supported by proxyglot yet");
}

TEST(HaproxyDiagnostics, DuplicateNames) {
  expect_has(errors_of(std::string(kHttp) + "backend b\n server s 1.1.1.1:80\n server s 1.1.1.2:80\nbackend b\n"),
             "test.cfg:8:2: error: backend 'b' has the same server name 's' declared at line 7.");
  expect_has(errors_of(std::string(kHttp) + "backend b\nbackend b\n"),
             "test.cfg:7:1: error: backend 'b' has the same name as backend 'b' declared at test.cfg:6.");
}

TEST(HaproxyDiagnostics, ReportsEveryErrorNotOnlyTheFirst) {
  auto r = compile_haproxy("frontend f\n frob\n bind :0\nbackend b\n balance x\n server s a:1 weight 999\n");
  EXPECT_GE(r.diags.error_count(), 4) << r.errors();
}

TEST(HaproxyDiagnostics, ArityErrors) {
  expect_has(errors_of("backend b\n retries\n"), "test.cfg:2:2: error: 'retries' expects 1 argument(s), got 0");
  expect_has(errors_of("global\n nbthread 2 3\n"), "test.cfg:2:2: error: 'nbthread' expects 1 argument(s), got 2");
}

TEST(HaproxyDiagnostics, MissingErrorfile) {
  expect_has(errors_of("frontend f\n errorfile 503 /nonexistent/proxyglot-503.http\n"),
             "test.cfg:2:16: error: error opening file '/nonexistent/proxyglot-503.http'.");
}

// ---- the same lines as the real haproxy -c -------------------------------------------------

struct HaproxyCase {
  const char* name;
  const char* config;
};

class HaproxyAgrees : public ::testing::TestWithParam<HaproxyCase> {};

// Runs haproxy -c on `config`; returns the line of its first ALERT naming one.
int haproxy_error_line(const std::string& config) {
  auto dir = std::filesystem::temp_directory_path() / ("pg-haproxy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "haproxy.cfg") << config;
  std::string out = run_capture("haproxy -c -f " + (dir / "haproxy.cfg").string());
  std::filesystem::remove_all(dir);
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(ALERT.*haproxy\.cfg:(\d+)\])"))) return std::stoi(m[1]);
  ADD_FAILURE() << "haproxy -c gave no line:\n" << out;
  return -1;
}

TEST_P(HaproxyAgrees, OnTheLine) {
  if (std::system("haproxy -v >/dev/null 2>&1") != 0) GTEST_SKIP() << "haproxy is not installed";
  const auto& c = GetParam();
  auto r = compile_haproxy(c.config, "haproxy.cfg");
  ASSERT_FALSE(r.config.has_value());
  ASSERT_FALSE(r.diags.all().empty());
  int ours = 0;
  for (const auto& d : r.diags.all())
    if (d.severity == Severity::error) {
      ours = d.loc.line;
      break;
    }
  EXPECT_EQ(ours, haproxy_error_line(c.config)) << r.errors();
}

INSTANTIATE_TEST_SUITE_P(
    Lines, HaproxyAgrees,
    ::testing::Values(
        HaproxyCase{"unknown", "defaults\n mode http\nfrontend fe\n bind :80\n frobnicate on\n"},
        HaproxyCase{"out_of_section", "\n\nbind :80\n"},
        HaproxyCase{"balance", "defaults\n mode http\nbackend b\n\n balance weird\n"},
        HaproxyCase{"duration", "defaults\n mode http\n timeout connect 5x\n"},
        HaproxyCase{"bind_port", "defaults\n mode http\nfrontend f\n bind :99999\n"},
        HaproxyCase{"server_port", "defaults\n mode http\nbackend b\n server s 1.1.1.1:70000\n"},
        HaproxyCase{"rise", "defaults\n mode http\nbackend b\n server s 1.1.1.1:80 check rise 0\n"},
        HaproxyCase{"acl", "defaults\n mode http\nfrontend fe\n bind :80\n use_backend x if missing_acl\n"
                           "backend x\n server s 1.1.1.1:80\n"},
        HaproxyCase{"forwardfor", "defaults\n mode http\nfrontend f\n bind :80\n option forwardfor foo\n"},
        HaproxyCase{"unmatched_quote", "defaults\n mode http\nfrontend f\n bind \":80\n"},
        HaproxyCase{"endif", "defaults\n mode http\n.endif\n"},
        HaproxyCase{"fetch", "defaults\n mode http\nfrontend f\n bind :80\n acl a frobfetch x\n"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pg::test
