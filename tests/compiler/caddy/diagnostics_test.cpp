// Every caddy diagnostic with its exact FILE:LINE:COL, at the line `caddy adapt` names
// (Caddy gives no column: ours is the offending word's).
#include <gtest/gtest.h>

#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

std::string errors_of(const std::string& text) {
  Compiled c = compile_caddy(text, "Caddyfile");
  return c.errors();
}

TEST(CaddyDiagnostics, UnrecognizedDirectiveSubdirectiveAndGlobalOption) {
  EXPECT_EQ(errors_of("a.com {\n  foo bar\n}\n"), "Caddyfile:2:3: error: unrecognized directive: foo\n");
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy x:1 {\n    bogus 1\n  }\n}\n"),
            "Caddyfile:3:5: error: unrecognized subdirective bogus\n");
  EXPECT_EQ(errors_of("{\n  bogus\n}\n"), "Caddyfile:2:3: error: unrecognized global option: bogus\n");
}

TEST(CaddyDiagnostics, NotSupportedYetNamesTheDirective) {
  EXPECT_EQ(errors_of("a.com {\n  encode gzip\n}\n"), "Caddyfile:2:3: error: encode is not supported by proxyglot yet\n");
  EXPECT_EQ(errors_of("a.com {\n  file_server\n}\n"), "Caddyfile:2:3: error: file_server is not supported by proxyglot yet\n");
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy x:1 {\n    lb_retry_match {\n      method POST\n    }\n  }\n}\n"),
            "Caddyfile:3:5: error: lb_retry_match is not supported by proxyglot yet\n");
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy x:1 {\n    transport fastcgi\n  }\n}\n"),
            "Caddyfile:3:15: error: transport fastcgi is not supported by proxyglot yet\n");
  EXPECT_EQ(errors_of("a.com {\n  respond {http.request.tls.version}\n}\n"),
            "Caddyfile:2:11: error: placeholder {http.request.tls.version} is not supported by proxyglot yet\n");
  EXPECT_EQ(errors_of("a.com {\n  @e expression {method} == 'GET'\n  respond @e x\n}\n"),
            "Caddyfile:2:6: error: matcher 'expression' is not supported by proxyglot yet\n");
}

TEST(CaddyDiagnostics, NotAllowedHere) {
  EXPECT_EQ(errors_of("a.com {\n  handle {\n    tls internal\n  }\n}\n"),
            "Caddyfile:3:5: error: tls is not allowed in a handle/route block\n");
  EXPECT_EQ(errors_of("{\n  reverse_proxy x:1\n}\n"),
            "Caddyfile:2:3: error: reverse_proxy is not allowed in a global block\n");
}

TEST(CaddyDiagnostics, ArgumentCountsAndBlocks) {
  EXPECT_EQ(errors_of("a.com {\n  redir\n}\n"),
            "Caddyfile:2:3: error: Wrong argument count or unexpected line ending after 'redir'\n");
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy x:1 {\n    lb_try_duration\n  }\n}\n"),
            "Caddyfile:3:5: error: Wrong argument count or unexpected line ending after 'lb_try_duration'\n");
  EXPECT_EQ(errors_of("a.com {\n  handle\n}\n"), "Caddyfile:2:3: error: handle needs a block\n");
  EXPECT_EQ(errors_of("a.com {\n  redir /a /b {\n  }\n}\n"), "Caddyfile:2:3: error: redir takes no block\n");
}

TEST(CaddyDiagnostics, BadPolicyDurationStatusAndPort) {
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy {\n    lb_policy bogus\n  }\n}\n"),
            "Caddyfile:3:15: error: getting module named 'http.reverse_proxy.selection_policies.bogus': "
            "module not registered: http.reverse_proxy.selection_policies.bogus\n");
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy x:1 {\n    health_interval 1x\n  }\n}\n"),
            "Caddyfile:3:21: error: bad interval value '1x'\n");
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy x:1 {\n    health_status ok\n  }\n}\n"),
            "Caddyfile:3:19: error: bad status value 'ok'\n");
  EXPECT_EQ(errors_of(":99999 {\n}\n"), "Caddyfile:1:1: error: invalid port '99999'\n");
  EXPECT_EQ(errors_of("{\n  http_port http\n}\n"),
            "Caddyfile:2:13: error: Converting port 'http' to integer value: invalid port\n");
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy x:70000\n}\n"), "Caddyfile:2:17: error: invalid port '70000'\n");
  EXPECT_EQ(errors_of("a.com {\n  redir /a /b 399\n}\n"),
            "Caddyfile:2:15: error: Not a supported redir code type or not valid integer: '399'\n");
}

TEST(CaddyDiagnostics, AmbiguousSiteDefinition) {
  EXPECT_EQ(errors_of("a.com {\n  respond a\n}\nb.com, a.com {\n  respond b\n}\n"),
            "Caddyfile:4:8: error: ambiguous site definition: a.com\n");
}

TEST(CaddyDiagnostics, TlsOnAPlainHttpSiteIsAWarning) {
  Compiled c = compile_caddy("http://a.com {\n  tls internal\n  respond a\n}\n");
  EXPECT_TRUE(c.config);
  EXPECT_EQ(c.errors(), "Caddyfile:1:1: warning: tls has no effect on port 80: the site is served over plain HTTP\n");
}

TEST(CaddyDiagnostics, UpstreamWithAPathIsAnError) {
  EXPECT_EQ(errors_of("a.com {\n  reverse_proxy localhost:8000/api\n}\n"),
            "Caddyfile:2:17: error: upstream address 'localhost:8000/api' has a path; upstream addresses cannot have paths\n");
}

TEST(CaddyDiagnostics, UnbalancedBraces) {
  EXPECT_EQ(errors_of("a.com {\n  respond hi\n"),
            "Caddyfile:2:11: error: Unexpected EOF: a block is not closed, expecting '}'\n");
  EXPECT_EQ(errors_of("a.com {\n  respond hi }\n}\n"),
            "Caddyfile:2:14: error: Unexpected '}' because no matching opening brace\n"
            "Caddyfile:3:1: error: Unexpected '}' because no matching opening brace\n");
  EXPECT_EQ(errors_of("a.com {\n}\n}\n"), "Caddyfile:3:1: error: Unexpected '}' because no matching opening brace\n");
}

TEST(CaddyDiagnostics, ImportOfMissingSnippetOrFile) {
  EXPECT_EQ(errors_of("a.com {\n  import nope\n}\n"), "Caddyfile:2:10: error: File to import not found: nope\n");
  // A snippet must be defined before its import, as in Caddy.
  EXPECT_EQ(errors_of("a.com {\n  import later\n}\n(later) {\n  respond x\n}\n"),
            "Caddyfile:2:10: error: File to import not found: later\n");
  Compiled glob = compile_caddy("import /nonexistent-dir/*.caddy\n:8080 {\n}\n");
  EXPECT_TRUE(glob.config);
  EXPECT_EQ(glob.errors(), "Caddyfile:1:8: warning: No files matching import glob pattern: /nonexistent-dir/*.caddy\n");
}

TEST(CaddyDiagnostics, ImportCycleIsBounded) {
  EXPECT_EQ(errors_of("(a) {\n  import a\n}\n:8080 {\n  import a\n}\n"),
            "Caddyfile:2:3: error: import of \"a\" nested more than 16 deep (an import cycle?)\n");
}

TEST(CaddyDiagnostics, MatcherErrors) {
  EXPECT_EQ(errors_of("a.com {\n  respond @nope x\n}\n"), "Caddyfile:2:11: error: unrecognized matcher name: @nope\n");
  EXPECT_EQ(errors_of("a.com {\n  @m {\n    bogus 1\n  }\n  respond @m x\n}\n"),
            "Caddyfile:3:5: error: unrecognized matcher name: bogus\n");
  EXPECT_EQ(errors_of("a.com {\n  @m path /a\n  @m path /b\n}\n"),
            "Caddyfile:3:3: error: matcher is defined more than once: @m\n");
  EXPECT_EQ(errors_of("a.com {\n  @q query nokey\n}\n"),
            "Caddyfile:2:6: error: malformed query matcher token: nokey; must be in param=val format\n");
  EXPECT_EQ(errors_of("a.com {\n  @h header X-A 1\n  rewrite @h /x\n}\n"),
            "Caddyfile:3:3: error: rewrite with a matcher that tests more than the path is not supported by proxyglot yet\n");
}

TEST(CaddyDiagnostics, LexicalErrors) {
  EXPECT_EQ(errors_of("a.com {\n  respond \"open\n}\n"),
            "Caddyfile:2:11: error: Unexpected EOF: a quoted string is not closed\n"
            "Caddyfile:2:11: error: Unexpected EOF: a block is not closed, expecting '}'\n");
  EXPECT_EQ(errors_of("a.com {\n  respond <<EOF\n  text\n"),
            "Caddyfile:3:1: error: Unexpected EOF: heredoc marker \"EOF\" never closes it\n");
}

TEST(CaddyDiagnostics, EveryErrorRecoveryAllowsIsReported) {
  EXPECT_EQ(errors_of("a.com {\n  foo\n  reverse_proxy {\n    lb_policy nope\n  }\n  encode gzip\n}\n"),
            "Caddyfile:2:3: error: unrecognized directive: foo\n"
            "Caddyfile:4:15: error: getting module named 'http.reverse_proxy.selection_policies.nope': "
            "module not registered: http.reverse_proxy.selection_policies.nope\n"
            "Caddyfile:6:3: error: encode is not supported by proxyglot yet\n");
}

}  // namespace
}  // namespace pg::test
