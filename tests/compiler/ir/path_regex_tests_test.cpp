// Path regexes that only spell literal tests read back as those tests, so that a
// dialect writing prefixes as regexes (Caddy) does not read as a changed route.
#include <gtest/gtest.h>

#include <fstream>

#include "ir/equivalence.h"
#include "ir/path_regex_tests.h"
#include "translate.h"

namespace pg::test {
namespace {

ir::Predicate regex(const std::string& value, bool ci = false) {
  return ir::Predicate{ir::PredKind::path_regex, "", value, ci};
}

// A matcher as "kind:value[:ci]", groups as "any(...)".
std::string text(const ir::Matcher& m) {
  if (m.op == ir::MatchOp::predicate)
    return std::string(m.predicate->kind == ir::PredKind::path_prefix ? "prefix:" : "exact:") + m.predicate->value +
           (m.predicate->case_insensitive ? ":ci" : "");
  std::string out = m.op == ir::MatchOp::any ? "any(" : "?(";
  for (const auto& c : m.children) out += text(c) + " ";
  return out + ")";
}

std::string tests_of(const std::string& value) {
  auto m = ir::path_regex_as_tests(regex(value));
  return m ? text(*m) : "(none)";
}

TEST(PathRegexTests, AnchoredLiteralsArePrefixesOrExactPaths) {
  EXPECT_EQ(tests_of("^/api/"), "prefix:/api/");
  EXPECT_EQ(tests_of("^/a\\.b$"), "exact:/a.b");
  EXPECT_EQ(tests_of("(?i)^/api/"), "prefix:/api/:ci");
}

TEST(PathRegexTests, JoinedAlternativesAreAnyOfTheirTests) {
  EXPECT_EQ(tests_of("(?:^/a/)|(?:^/b\\.c/)"), "any(prefix:/a/ prefix:/b.c/ )");
}

TEST(PathRegexTests, RealPatternsStayRegexes) {
  EXPECT_EQ(tests_of("^/x/(\\d+)$"), "(none)");
  EXPECT_EQ(tests_of("(?:^/a/)|(?:^/b/.+)"), "(none)");
  EXPECT_EQ(tests_of("(?:^/a/)|"), "(none)");
  EXPECT_EQ(tests_of("\\.php$"), "(none)");
}

TEST(PathRegexTests, LeadingCaseInsensitiveFlagIsThePredicatesFlag) {
  ir::Predicate p = ir::without_inline_ci(regex("(?i)\\.(jpg|png)$"));
  EXPECT_TRUE(p.case_insensitive);
  EXPECT_EQ(p.value, "\\.(jpg|png)$");
  EXPECT_FALSE(ir::without_inline_ci(regex("\\.php$")).case_insensitive);
}

// nginx's "^~" prefixes before a "~*" regex location: Caddy writes the regex with
// "(?i)" and the excluded prefixes joined into one regex; the same route.
TEST(PathRegexTests, NginxRegexLocationsKeepTheirRoutesInCaddy) {
  std::string path = ::testing::TempDir() + "/regex_locations.conf";
  std::ofstream(path) << R"(events {}
http {
  upstream app { server 127.0.0.1:8000; }
  server { listen 8080; server_name example.com;
    location ^~ /static/ { proxy_pass http://app; }
    location ^~ /media/ { proxy_pass http://app; }
    location ~* \.(jpg|png)$ { proxy_pass http://app; }
    location / { proxy_pass http://app; }
  }
}
)";
  TranslateOptions options;
  options.to = Dialect::caddy;
  TranslateResult r = translate_config(path, options);
  ASSERT_TRUE(r.text) << r.diags.to_string();
  // Neither Caddy spelling reads as a difference of the route.
  std::string report = r.diags.to_string();
  EXPECT_EQ(report.find("(?i)"), std::string::npos) << report;
  EXPECT_EQ(report.find("(?:"), std::string::npos) << report;
}

}  // namespace
}  // namespace pg::test
