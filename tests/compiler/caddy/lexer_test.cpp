// The Caddyfile's lexical syntax, seen through what the IR receives.
#include <gtest/gtest.h>

#include "caddy/parse.h"
#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

std::string body_of(const ir::Config& c, size_t route = 0) {
  const auto& r = c.virtual_hosts.at(0).routes.at(route);
  return r.action.respond && r.action.respond->body ? render(*r.action.respond->body) : "<none>";
}

TEST(CaddyLexer, QuotedStringsKeepSpacesAndOnlyUnescapeQuotes) {
  auto c = caddy(":8080 {\n\trespond \"a \\\"b\\\" \\n c\"\n}\n");
  EXPECT_EQ(body_of(c), "a \"b\" \\n c");
}

TEST(CaddyLexer, QuotedStringsMaySpanLines) {
  auto c = caddy(":8080 {\n\trespond \"line1\nline2\" 201\n}\n");
  EXPECT_EQ(body_of(c), "line1\nline2");
  EXPECT_EQ(c.virtual_hosts[0].routes[0].action.respond->status, 201);
}

TEST(CaddyLexer, BacktickStringsAreRaw) {
  auto c = caddy(":8080 {\n\trespond `{\"ok\": \"yes\\\"}`\n}\n");
  EXPECT_EQ(body_of(c), "{\"ok\": \"yes\\\"}");
}

TEST(CaddyLexer, HeredocStripsTheClosingMarkersIndentation) {
  auto c = caddy(":8080 {\n\trespond <<HTML\n\t\t<p>hi</p>\n\t\t  <b>x</b>\n\t\tHTML 202\n}\n");
  EXPECT_EQ(body_of(c), "<p>hi</p>\n  <b>x</b>");
  EXPECT_EQ(c.virtual_hosts[0].routes[0].action.respond->status, 202);
}

TEST(CaddyLexer, CommentsOnlyAtTokenStart) {
  auto c = caddy(":8080 { # comment\n\t# whole line\n\trespond a#b # trailing\n}\n");
  EXPECT_EQ(body_of(c), "a#b");
}

TEST(CaddyLexer, BackslashNewlineContinuesTheLine) {
  auto c = caddy(":8080 {\n\trespond \\\n\t\thello \\\n\t\t203\n}\n");
  EXPECT_EQ(body_of(c), "hello");
  EXPECT_EQ(c.virtual_hosts[0].routes[0].action.respond->status, 203);
}

TEST(CaddyLexer, PlaceholderBracesAreWordsNotBlocks) {
  auto c = caddy(":8080 {\n\trespond {path}{query}\n}\n");
  EXPECT_EQ(body_of(c), "${path}${query}");
}

TEST(CaddyLexer, EnvironmentVariablesAreSubstitutedBeforeParsing) {
  auto lookup = [](const char* name) -> const char* {
    return std::string(name) == "PORT" ? "9000" : nullptr;
  };
  EXPECT_EQ(caddy::substitute_env(":{$PORT} {$MISSING:fallback} {$MISSING}x", lookup), ":9000 fallback x");
  EXPECT_EQ(caddy::substitute_env("{$UNCLOSED\n}", lookup), "{$UNCLOSED\n}");
  ::setenv("PG_CADDY_TEST_UPSTREAM", "10.0.0.7:81", 1);
  auto c = caddy(":8080 {\n\treverse_proxy {$PG_CADDY_TEST_UPSTREAM}\n}\n");
  ASSERT_EQ(c.pools.size(), 1u);
  EXPECT_EQ(c.pools[0].servers[0].address, "10.0.0.7");
  EXPECT_EQ(c.pools[0].servers[0].port, 81);
}

TEST(CaddyLexer, SiteWithoutBracesTakesTheRestOfTheFile) {
  auto c = caddy(":8080\nrespond hello\n");
  EXPECT_EQ(body_of(c), "hello");
}

TEST(CaddyLexer, AddressesAcrossLinesWithCommasAndBraceOnNextLine) {
  auto c = caddy("http://a.com,\nhttp://b.com http://c.com\n{\n\trespond x\n}\n");
  ASSERT_EQ(c.virtual_hosts.size(), 1u);
  ASSERT_EQ(c.virtual_hosts[0].names.size(), 3u);
  EXPECT_EQ(c.virtual_hosts[0].names[2].value, "c.com");
}

TEST(CaddyLexer, SnippetsWithArguments) {
  auto c = caddy("(answer) {\n\trespond {args.0} {args[1]}\n}\n:8080 {\n\timport answer hello 201\n}\n");
  EXPECT_EQ(body_of(c), "hello");
  EXPECT_EQ(c.virtual_hosts[0].routes[0].action.respond->status, 201);
}

TEST(CaddyLexer, LatinOneAndInvalidUtf8Lex) {
  std::string text = ":8080 {\n\t# caf\xe9 \xff\xfe\n\trespond \"\xe9t\xe9\"\n}\n";
  auto c = caddy(text);
  EXPECT_EQ(body_of(c), "\xe9t\xe9");
}

}  // namespace
}  // namespace pg::test
