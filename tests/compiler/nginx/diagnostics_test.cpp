// Diagnostics: FILE:LINE:COL: error: MESSAGE at the line nginx itself reports, every
// error recovery allows. The second half checks the line against the real nginx -t.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "support/nginx_fixture.h"
#include "support/process.h"

namespace pg::test {
namespace {

std::string errors_of(const std::string& text) {
  auto r = compile_nginx(text);
  EXPECT_FALSE(r.config.has_value()) << "expected errors for:\n" << text;
  return r.errors();
}

void expect_has(const std::string& all, const std::string& line) {
  EXPECT_NE(all.find(line + "\n"), std::string::npos) << "missing: " << line << "\nin:\n" << all;
}

TEST(Diagnostics, UnknownDirective) {
  expect_has(errors_of("events {}\nhttp {\n  server {\n    frobnicate on;\n  }\n}\n"),
             "test.conf:4:5: error: unknown directive \"frobnicate\"");
}

TEST(Diagnostics, NotSupportedYetNamesTheDirective) {
  expect_has(errors_of("events {}\nhttp {\n  server {\n    root /srv;\n  }\n}\n"),
             "test.conf:4:5: error: \"root\" directive is not supported by proxyglot yet");
}

TEST(Diagnostics, NotAllowedHere) {
  auto e = errors_of("events {}\nhttp {\n  proxy_pass http://x;\n  server { listen 80; upstream u { server a; } }\n}\n");
  expect_has(e, "test.conf:3:3: error: \"proxy_pass\" directive is not allowed here");
  expect_has(e, "test.conf:4:23: error: \"upstream\" directive is not allowed here");
}

TEST(Diagnostics, WrongNumberOfArguments) {
  auto e = errors_of("events {}\nhttp {\n  server {\n    location / {\n      proxy_read_timeout 60 seconds;\n"
                     "      proxy_pass;\n    }\n  }\n}\n");
  expect_has(e, "test.conf:5:7: error: invalid number of arguments in \"proxy_read_timeout\" directive");
  expect_has(e, "test.conf:6:7: error: invalid number of arguments in \"proxy_pass\" directive");
}

TEST(Diagnostics, InvalidValues) {
  auto e = errors_of(
      "events {}\n"
      "http {\n"
      "  upstream app {\n"
      "    server 127.0.0.1:8000 weight=heavy;\n"
      "  }\n"
      "  server {\n"
      "    listen 127.0.0.1:99999;\n"
      "    location / { proxy_read_timeout 60x; proxy_buffering maybe; }\n"
      "  }\n"
      "}\n");
  expect_has(e, "test.conf:4:27: error: invalid parameter \"weight=heavy\"");
  expect_has(e, "test.conf:7:12: error: invalid port in \"127.0.0.1:99999\" of the \"listen\" directive");
  expect_has(e, "test.conf:8:37: error: \"proxy_read_timeout\" directive invalid value \"60x\"");
  expect_has(e, "test.conf:8:58: error: invalid value \"maybe\" in \"proxy_buffering\" directive, it must be \"on\" or \"off\"");
}

TEST(Diagnostics, DuplicateLocation) {
  expect_has(errors_of("events {}\nhttp {\n  server {\n    location /a { }\n    location ^~ /a { }\n  }\n}\n"),
             "test.conf:5:5: error: duplicate location \"/a\"");
}

TEST(Diagnostics, DuplicateDirective) {
  expect_has(errors_of("events {}\nhttp {\n  proxy_buffering on;\n  proxy_buffering off;\n}\n"),
             "test.conf:4:3: error: \"proxy_buffering\" directive is duplicate");
}

TEST(Diagnostics, UnbalancedBracesMissingClose) {
  expect_has(errors_of("events {}\nhttp {\n  server {\n    listen 80;\n"),
             "test.conf:5:1: error: unexpected end of file, expecting \"}\"");
}

TEST(Diagnostics, UnexpectedCloseBrace) {
  expect_has(errors_of("events {}\n}\nhttp { }\n"), "test.conf:2:1: error: unexpected \"}\"");
}

TEST(Diagnostics, MissingSemicolonBeforeBrace) {
  expect_has(errors_of("events {}\nhttp {\n  server {\n    listen 80\n  }\n}\n"),
             "test.conf:5:3: error: unexpected \"}\"");
}

TEST(Diagnostics, UnterminatedString) {
  expect_has(errors_of("events {}\nhttp {\n  server { return 200 \"oops; }\n}\n"),
             "test.conf:5:1: error: unexpected end of file, expecting \";\" or \"}\"");
}

TEST(Diagnostics, StringGluedToAWord) {
  expect_has(errors_of("events {}\nhttp {\n  default_type \"text\"plain;\n}\n"),
             "test.conf:3:22: error: unexpected \"p\"");
}

TEST(Diagnostics, StraySemicolon) {
  expect_has(errors_of("events {}\n;\n"), "test.conf:2:1: error: unexpected \";\"");
}

TEST(Diagnostics, MissingIncludeFile) {
  expect_has(errors_of("events {}\nhttp {\n  include /nonexistent/proxyglot.conf;\n}\n"),
             "test.conf:3:3: error: open() \"/nonexistent/proxyglot.conf\" failed (2: No such file or directory)");
}

TEST(Diagnostics, GlobWithoutMatchIsFine) {
  auto r = compile_nginx("events {}\nhttp {\n  include /nonexistent/*.conf;\n}\n");
  EXPECT_TRUE(r.config.has_value()) << r.errors();
}

TEST(Diagnostics, RegexErrorsComeFromPcre) {
  auto e = errors_of("events {}\nhttp { server {\n  location ~ ^/(a { }\n} }\n");
  EXPECT_NE(e.find("test.conf:3:14: error: pcre2_compile() failed: missing closing parenthesis"), std::string::npos) << e;
}

TEST(Diagnostics, UnknownVariable) {
  expect_has(errors_of("events {}\nhttp { server { location / {\n  return 200 $nosuchvar;\n} } }\n"),
             "test.conf:3:14: error: unknown \"nosuchvar\" variable");
}

TEST(Diagnostics, StructuralRules) {
  auto e = errors_of(
      "events {}\n"
      "http {\n"
      "  upstream u { ip_hash; server 127.0.0.1:1 backup; }\n"
      "  upstream u { server 127.0.0.1:2; }\n"
      "  upstream empty { }\n"
      "  server { listen 80 default_server; }\n"
      "  server { listen 80 default_server; listen 443 ssl; }\n"
      "  server {\n"
      "    location = /x { location /x/y { } }\n"
      "    location /a { location /b { } location @n { } }\n"
      "    location ?? /z { }\n"
      "  }\n"
      "}\n");
  expect_has(e, "test.conf:3:25: error: \"backup\" servers cannot be used with the \"ip_hash\" balancing method (nginx: invalid parameter \"backup\")");
  expect_has(e, "test.conf:4:12: error: duplicate upstream \"u\"");
  expect_has(e, "test.conf:5:3: error: no servers are inside upstream");
  expect_has(e, "test.conf:7:19: error: a duplicate default server for 0.0.0.0:80");
  expect_has(e, "test.conf:7:45: error: no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive");
  expect_has(e, "test.conf:9:21: error: location \"/x/y\" cannot be inside the exact location \"/x\"");
  expect_has(e, "test.conf:10:19: error: location \"/b\" is outside location \"/a\"");
  expect_has(e, "test.conf:10:35: error: named location \"@n\" can be on the server level only");
  expect_has(e, "test.conf:11:14: error: invalid location modifier \"??\"");
}

TEST(Diagnostics, NoEventsSection) {
  expect_has(errors_of("http { }\n"), "test.conf:1:1: error: no \"events\" section in configuration");
}

TEST(Diagnostics, ReportsEveryErrorNotOnlyTheFirst) {
  auto r = compile_nginx("events {}\nhttp {\n  foo;\n  bar;\n  server { baz 1; listen 0; }\n}\n");
  EXPECT_GE(r.diags.error_count(), 4) << r.errors();
}

TEST(Diagnostics, MultiLineDirectiveReportedAtItsTerminator) {
  // nginx counts the line where it read the ';'.
  expect_has(errors_of("events {}\nhttp {\n  frobnicate\n    a\n    b;\n}\n"),
             "test.conf:5:6: error: unknown directive \"frobnicate\"");
}

// ---- the same lines as the real nginx -t -------------------------------------------------

struct NginxCase {
  const char* name;
  const char* config;
};

class NginxAgrees : public ::testing::TestWithParam<NginxCase> {};

// Runs nginx -t on `config` in a fresh prefix; returns the line of its first error.
int nginx_error_line(const std::string& config) {
  auto dir = std::filesystem::temp_directory_path() / ("pg-nginx-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(std::rand()));
  std::filesystem::create_directories(dir / "logs");
  std::ofstream(dir / "nginx.conf") << config;
  std::string out = run_capture("nginx -t -q -p " + dir.string() + " -c " + (dir / "nginx.conf").string() +
                                " -g 'pid " + (dir / "nginx.pid").string() + ";'");
  std::filesystem::remove_all(dir);
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(nginx\.conf:(\d+))"))) return std::stoi(m[1]);
  ADD_FAILURE() << "nginx -t gave no line:\n" << out;
  return -1;
}

TEST_P(NginxAgrees, OnTheLine) {
  const auto& c = GetParam();
  auto r = compile_nginx(c.config, "nginx.conf");
  ASSERT_FALSE(r.config.has_value());
  ASSERT_FALSE(r.diags.all().empty());
  int ours = r.diags.all().front().loc.line;
  EXPECT_EQ(ours, nginx_error_line(c.config)) << r.errors();
}

INSTANTIATE_TEST_SUITE_P(
    Lines, NginxAgrees,
    ::testing::Values(
        NginxCase{"unknown", "events {}\nhttp {\n  server {\n    frob on;\n  }\n}\n"},
        NginxCase{"not_allowed", "events {}\nhttp {\n  proxy_pass http://x;\n}\n"},
        NginxCase{"arity", "events {}\nhttp {\n  server {\n    location / {\n      proxy_read_timeout 60 seconds;\n    }\n  }\n}\n"},
        NginxCase{"multiline", "events {}\nhttp {\n  frob\n    a\n    b;\n}\n"},
        NginxCase{"weight", "events {}\nhttp {\n  upstream a {\n    server 127.0.0.1:1 weight=heavy;\n  }\n}\n"},
        NginxCase{"port", "events {}\nhttp {\n  server {\n    listen 127.0.0.1:99999;\n  }\n}\n"},
        NginxCase{"time", "events {}\nhttp {\n  proxy_read_timeout 60x;\n}\n"},
        NginxCase{"duplicate_location", "events {}\nhttp {\n  server {\n    location /a { }\n\n    location /a { }\n  }\n}\n"},
        NginxCase{"missing_brace", "events {}\nhttp {\n  server {\n    listen 80;\n"},
        NginxCase{"extra_brace", "events {}\n}\nhttp { }\n"},
        NginxCase{"missing_semicolon", "events {}\nhttp {\n  server {\n    listen 80\n  }\n}\n"},
        NginxCase{"unterminated", "events {}\nhttp {\n  server { return 200 \"oops; }\n}\n\n"},
        NginxCase{"glued", "events {}\nhttp {\n  default_type \"text\"plain;\n}\n"},
        NginxCase{"stray_semicolon", "events {}\n;\n"},
        NginxCase{"missing_include", "events {}\nhttp {\n\n  include /nonexistent/proxyglot.conf;\n}\n"},
        NginxCase{"duplicate_directive", "events {}\nhttp {\n  proxy_buffering on;\n  proxy_buffering off;\n}\n"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace pg::test
