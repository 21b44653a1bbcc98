// HAProxy's lexing: words, comments, quotes, escapes, ${VAR}, conditional blocks.
#include <gtest/gtest.h>

#include <cstdlib>

#include "haproxy/parse.h"
#include "support/haproxy_fixture.h"

namespace pg::test {
namespace {

std::vector<std::string> words(std::string_view text, std::string* errors = nullptr) {
  Diagnostics d;
  auto lines = haproxy::parse_text(text, "t.cfg", d);
  if (errors) *errors = d.to_string();
  std::vector<std::string> out;
  for (const auto& l : lines)
    for (const auto& w : l.words) out.push_back(w.value);
  return out;
}

using V = std::vector<std::string>;

TEST(HaproxyLexer, WordsAndComments) {
  EXPECT_EQ(words("frontend  fe # a comment\n\tbind :80#glued comment\n"), (V{"frontend", "fe", "bind", ":80"}));
  EXPECT_EQ(words("  # only a comment\n\n"), V{});
}

TEST(HaproxyLexer, BackslashEscapes) {
  EXPECT_EQ(words(R"(a\ b c\#d e\\f)"), (V{"a b", "c#d", "e\\f"}));
  EXPECT_EQ(words(R"(x GET /h HTTP/1.1\r\nHost:\ a)"), (V{"x", "GET", "/h", "HTTP/1.1\r\nHost: a"}));
  EXPECT_EQ(words(R"(\x41\x62)"), (V{"Ab"}));
  EXPECT_EQ(words(R"(regsub(\.,_))"), (V{"regsub(\\.,_)"}));  // unknown escapes stay
}

TEST(HaproxyLexer, QuotesGlueAndKeepSpaces) {
  EXPECT_EQ(words(R"(a "b c" 'd e' f"g"'h')"), (V{"a", "b c", "d e", "fgh"}));
  EXPECT_EQ(words(R"('#not a comment' "\"q\"")"), (V{"#not a comment", "\"q\""}));
  EXPECT_EQ(words(R"('\n stays')"), (V{"\\n stays"}));
}

TEST(HaproxyLexer, EnvironmentExpandsOnlyInDoubleQuotes) {
  ::setenv("PG_TEST_PORT", "8080", 1);
  EXPECT_EQ(words(R"(a "${PG_TEST_PORT}" '${PG_TEST_PORT}' ${PG_TEST_PORT} "$PG_TEST_PORT/x")"),
            (V{"a", "8080", "${PG_TEST_PORT}", "${PG_TEST_PORT}", "8080/x"}));
  EXPECT_EQ(words(R"("x${PG_TEST_UNDEFINED_VAR}y")"), (V{"xy"}));
}

TEST(HaproxyLexer, SetenvAndPresetenvApplyToLaterLines) {
  ::setenv("PG_TEST_PRESET", "from-env", 1);
  auto w = words("global\n setenv A one\n presetenv PG_TEST_PRESET ignored\n presetenv B two\n"
                 "x \"${A}\" \"${PG_TEST_PRESET}\" \"${B}\"\n unsetenv A\n y \"${A}\"\n");
  EXPECT_EQ(std::vector<std::string>(w.end() - 8, w.end()),
            (V{"x", "one", "from-env", "two", "unsetenv", "A", "y", ""}));
}

TEST(HaproxyLexer, ConditionalBlocks) {
  ::setenv("PG_TEST_ON", "1", 1);
  EXPECT_EQ(words(".if defined(PG_TEST_ON)\na\n.else\nb\n.endif\n"), V{"a"});
  EXPECT_EQ(words(".if defined(PG_TEST_NOT_SET)\na\n.elif version_atleast(2.4)\nb\n.else\nc\n.endif\n"), V{"b"});
  EXPECT_EQ(words(".if 0\n.if 1\na\n.endif\n.else\nc\n.endif\n"), V{"c"});
  EXPECT_EQ(words(".if streq(\"$PG_TEST_ON\",1) && !version_before(2.6)\nyes\n.endif\n"), V{"yes"});
  EXPECT_EQ(words(".if feature(OPENSSL) || 0\nssl\n.endif\n"), V{"ssl"});
}

TEST(HaproxyLexer, ConditionalErrors) {
  std::string e;
  words(".if 1\na\n", &e);
  EXPECT_NE(e.find("t.cfg:1:1: error: missing '.endif' at end of file"), std::string::npos) << e;
  words("a\n.endif\n", &e);
  EXPECT_NE(e.find("t.cfg:2:1: error: '.endif' appears without a corresponding '.if'."), std::string::npos) << e;
  words(".if bogus(1)\n.endif\n", &e);
  EXPECT_NE(e.find("t.cfg:1:1: error: failed to parse .if condition: unknown term 'bogus'"), std::string::npos) << e;
  words(".alert \"stop here\"\n", &e);
  EXPECT_NE(e.find("t.cfg:1:1: error: stop here"), std::string::npos) << e;
}

TEST(HaproxyLexer, UnmatchedQuote) {
  std::string e;
  words("frontend fe\n  bind \"oops\n", &e);
  EXPECT_NE(e.find("t.cfg:2:8: error: unmatched quote"), std::string::npos) << e;
}

TEST(HaproxyLexer, LocationsAreLineAndByteColumn) {
  Diagnostics d;
  auto lines = haproxy::parse_text("global\n\tmaxconn  10\n", "t.cfg", d);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].words[1].loc.line, 2);
  EXPECT_EQ(lines[1].words[1].loc.column, 11);
}

}  // namespace
}  // namespace pg::test
