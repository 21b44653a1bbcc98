// A Caddyfile the grammar takes without an error is read without running the
// generated parser (a walk over the tokens gives the parser's events); anything else
// takes the parser. Both must build the same Nodes: a stray '}' at the end sends a
// file down the parser's way and changes nothing but one error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "caddy/parse.h"

namespace pg::caddy {
namespace {

namespace fs = std::filesystem;

std::string loc(const SourceLoc& l) { return std::to_string(l.line) + ":" + std::to_string(l.column); }

void dump(const std::vector<Node>& nodes, std::string& out) {
  for (const auto& n : nodes) {
    out += "@" + loc(n.loc);
    for (const auto& w : n.words) out += " [" + w.value + (w.quoted ? "\"" : "") + "@" + loc(w.loc) + "]";
    if (n.has_block) {
      out += " {\n";
      dump(n.block, out);
      out += "}@" + loc(n.close_loc);
    }
    out += "\n";
  }
}

struct Read {
  std::string tree;
  int errors = 0;
};

Read read(const std::string& text) {
  Diagnostics diags;
  Read r;
  dump(parse_nodes(text, "Caddyfile", diags), r.tree);
  r.errors = diags.error_count();
  return r;
}

void expect_same_both_ways(const std::string& text, const std::string& what) {
  Read plain = read(text);
  Read parsed = read(text + "\n}\n");
  EXPECT_EQ(plain.tree, parsed.tree) << what;
  EXPECT_EQ(plain.errors + 1, parsed.errors) << what;
}

TEST(CaddyPlainParse, CorpusReadsTheSameWithAndWithoutTheParser) {
  int files = 0;
  for (const auto& e : fs::directory_iterator(fs::path(PROXYGLOT_SOURCE_DIR) / "tests/corpus/caddy")) {
    if (e.path().extension() == ".json") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    expect_same_both_ways(text.str(), e.path().string());
    ++files;
  }
  EXPECT_GT(files, 10);
}

TEST(CaddyPlainParse, EveryTokenKindReadsTheSameWithAndWithoutTheParser) {
  expect_same_both_ways("{\n\tadmin off\n}\n(snip) {\n\ta b\n}\nexample.com {\n\timport snip\n"
                        "\trespond \"x \\\"y\\\"\" `raw` 200\n\theader {\n\t\tX-A 1 }\n\t}\n"
                        "\tfoo <<EOF\n\t\tline\n\t\tEOF bar\n\t@m path /a/*\n\t{ }\n}\n", "tokens");
  expect_same_both_ways("", "empty");
  expect_same_both_ways("a b { c }\n", "a '}' ending a line of words");
}

}  // namespace
}  // namespace pg::caddy
