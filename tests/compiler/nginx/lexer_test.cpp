// nginx's tokenizer, reproduced by the grammar: words, quotes, escapes, comments,
// variables, includes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nginx/parse.h"

namespace pg::nginx {
namespace {

std::vector<Directive> parse(const std::string& text, Diagnostics& diags,
                             const std::string& base = ".") {
  ParseOptions o;
  o.include_base = base;
  return parse_text(text, "t.conf", o, diags);
}

std::vector<std::string> args_of(const std::string& text) {
  Diagnostics diags;
  auto ds = parse(text, diags);
  EXPECT_FALSE(diags.has_errors()) << diags.to_string();
  std::vector<std::string> out;
  if (ds.empty()) return out;
  out.push_back(ds[0].name);
  for (const auto& a : ds[0].args) out.push_back(a.value);
  return out;
}

using V = std::vector<std::string>;

TEST(Lexer, WordsEndAtSpaceSemicolonOrBrace) {
  EXPECT_EQ(args_of("a b\tc\n d;"), (V{"a", "b", "c", "d"}));
  EXPECT_EQ(args_of("a b{ }"), (V{"a", "b"}));
  EXPECT_EQ(args_of("a b}c;"), (V{"a", "b}c"}));  // '}' inside a word is a character
}

TEST(Lexer, HashStartsACommentOnlyAtTokenStart) {
  EXPECT_EQ(args_of("a b#c; # comment ;\n"), (V{"a", "b#c"}));
  EXPECT_EQ(args_of("# whole line\na b; # trailing"), (V{"a", "b"}));
}

TEST(Lexer, QuotesOnlyAtTokenStart) {
  EXPECT_EQ(args_of("a b\"c\" 'd e';"), (V{"a", "b\"c\"", "d e"}));
}

TEST(Lexer, StringsSpanLinesAndKeepSemicolons) {
  EXPECT_EQ(args_of("a \"x;\n{y}\";"), (V{"a", "x;\n{y}"}));
}

TEST(Lexer, BackslashEscapes) {
  EXPECT_EQ(args_of(R"(a "q\"q" 'q\'q' b\ c \t\n\\ "\x";)"),
            (V{"a", "q\"q", "q'q", "b\\ c", "\t\n\\", "\\x"}));
  EXPECT_EQ(args_of("a b\\;c;"), (V{"a", "b\\;c"}));  // escaped ';' stays in the word
}

TEST(Lexer, Variables) {
  EXPECT_EQ(args_of("a ${host}x $uri;"), (V{"a", "${host}x", "$uri"}));
}

TEST(Lexer, QuotedRegexWithBraces) {
  EXPECT_EQ(args_of("location ~ \"^/a{2,3}$\" { }"), (V{"location", "~", "^/a{2,3}$"}));
}

TEST(Lexer, BlocksNest) {
  Diagnostics diags;
  auto ds = parse("http { server { listen 80; location / { } } }", diags);
  ASSERT_EQ(ds.size(), 1u);
  ASSERT_TRUE(ds[0].has_block);
  ASSERT_EQ(ds[0].block.size(), 1u);
  EXPECT_EQ(ds[0].block[0].name, "server");
  ASSERT_EQ(ds[0].block[0].block.size(), 2u);
  EXPECT_EQ(ds[0].block[0].block[1].args[0].value, "/");
}

TEST(Lexer, LocationsAreLinesAndColumns) {
  Diagnostics diags;
  auto ds = parse("\n  a  b\n c;", diags);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].loc.line, 2);
  EXPECT_EQ(ds[0].loc.column, 3);
  EXPECT_EQ(ds[0].args[1].loc.line, 3);
  EXPECT_EQ(ds[0].end_loc.line, 3);
  EXPECT_EQ(ds[0].end_loc.column, 3);
}

TEST(Lexer, Latin1AndInvalidUtf8AreBytes) {
  Diagnostics diags;
  std::string text = "# caf\xe9 \xff\xfe\na \"\xc3\x28\" b;\n";
  auto ds = parse(text, diags);
  EXPECT_FALSE(diags.has_errors()) << diags.to_string();
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].args[0].value, "\xc3\x28");
}

TEST(Lexer, NulBytesDoNotEndTheInput) {
  Diagnostics diags;
  std::string text("a b\0c;\nd;", 9);
  auto ds = parse(text, diags);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].args[0].value, std::string("b\0c", 3));
}

TEST(Lexer, IncludesWithGlobsRelativeToTheMainConfig) {
  auto dir = std::filesystem::temp_directory_path() / ("pg-inc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "conf.d");
  std::ofstream(dir / "conf.d" / "b.conf") << "b;\n";
  std::ofstream(dir / "conf.d" / "a.conf") << "a;\n";
  std::ofstream(dir / "conf.d" / "skip.txt") << "skip;\n";
  Diagnostics diags;
  auto ds = parse("first; include conf.d/*.conf; last;", diags, dir.string());
  EXPECT_FALSE(diags.has_errors()) << diags.to_string();
  std::vector<std::string> names;
  for (const auto& d : ds) names.push_back(d.name);
  EXPECT_EQ(names, (V{"first", "a", "b", "last"}));  // glob results sorted
  EXPECT_EQ(ds[1].loc.file.view(), (dir / "conf.d" / "a.conf").string());
  std::filesystem::remove_all(dir);
}

TEST(Lexer, IncludeCycleIsBounded) {
  auto dir = std::filesystem::temp_directory_path() / ("pg-cyc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "self.conf") << "include self.conf;\n";
  Diagnostics diags;
  parse("include self.conf;", diags, dir.string());
  EXPECT_TRUE(diags.has_errors());
  EXPECT_NE(diags.to_string().find("nested more than 16 deep"), std::string::npos) << diags.to_string();
  std::filesystem::remove_all(dir);
}

TEST(Unescape, AsNginxDoes) {
  EXPECT_EQ(unescape(R"(a\"b\'c\\d\te\rf\ng\h)"), "a\"b'c\\d\te\rf\ng\\h");
}

}  // namespace
}  // namespace pg::nginx
