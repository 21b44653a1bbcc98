// A file of directives only is read without running the generated parser (a walk over
// the tokens gives the parser's events); anything else takes the parser. Both must
// build the same Directives: a stray ';' at the end sends a file down the parser's way
// and changes nothing but one error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "nginx/parse.h"

namespace pg::nginx {
namespace {

namespace fs = std::filesystem;

std::string loc(const SourceLoc& l) { return std::to_string(l.line) + ":" + std::to_string(l.column); }

void dump(const std::vector<Directive>& ds, std::string& out) {
  for (const auto& d : ds) {
    out += d.name + "@" + loc(d.loc) + "-" + loc(d.end_loc);
    for (const auto& a : d.args) out += " [" + a.value + (a.quoted ? "\"" : "") + "@" + loc(a.loc) + "]";
    if (d.has_block) {
      out += " {\n";
      dump(d.block, out);
      out += "}";
    }
    out += "\n";
  }
}

struct Read {
  std::string tree;
  int errors = 0;
};

Read read(const std::string& text, const fs::path& file) {
  Diagnostics diags;
  ParseOptions o;
  o.include_base = file.parent_path().string();
  Read r;
  dump(parse_text(text, file.string(), o, diags), r.tree);
  r.errors = diags.error_count();
  return r;
}

void expect_same_both_ways(const std::string& text, const fs::path& file) {
  Read plain = read(text, file);
  Read parsed = read(text + "\n;\n", file);
  EXPECT_EQ(plain.tree, parsed.tree) << file;
  EXPECT_EQ(plain.errors + 1, parsed.errors) << file;
}

TEST(NginxPlainParse, CorpusReadsTheSameWithAndWithoutTheParser) {
  int files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(PROXYGLOT_SOURCE_DIR) / "tests/corpus/nginx")) {
    if (e.path().extension() != ".conf") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    expect_same_both_ways(text.str(), e.path());
    ++files;
  }
  EXPECT_GT(files, 10);
}

TEST(NginxPlainParse, EveryTokenKindReadsTheSameWithAndWithoutTheParser) {
  expect_same_both_ways("a \"b c\" 'd' e\\ f ${x}y;\nb { c { d 1; } e \"x\ny\"; }\n\n# c ; {\nf;", "t.conf");
  expect_same_both_ways("", "t.conf");
  expect_same_both_ways("a \"b\"c;", "t.conf");  // a glued quote: reported while reading
}

TEST(NginxPlainParse, WhatIsNotDirectivesOnlyGoesThroughTheParser) {
  for (const char* text : {"a {", "a", "}", "a; }", "{ a; }", "a b }", "a \"open"}) {
    Diagnostics diags;
    parse_text(text, "t.conf", ParseOptions{"."}, diags);
    EXPECT_TRUE(diags.has_errors()) << text;
  }
}

}  // namespace
}  // namespace pg::nginx
