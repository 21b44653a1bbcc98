// Hostile input: never a crash, hang or unbounded recursion; errors instead.
#include <gtest/gtest.h>

#include <random>

#include "ir/ir_json.h"
#include "support/caddy_fixture.h"

namespace pg::test {
namespace {

TEST(CaddyHostileInput, DeepNestingIsBounded) {
  std::string text = ":8080 {\n";
  for (int i = 0; i < 5000; ++i) text += "route {\n";
  Compiled c = compile_caddy(text);
  EXPECT_FALSE(c.config);
  EXPECT_NE(c.errors().find("blocks nested deeper than 100 levels"), std::string::npos);
}

TEST(CaddyHostileInput, ExponentialSnippetExpansionIsBounded) {
  // Four imports per level, twelve levels: 4^12 lines if nothing stopped it.
  std::string text = "(s0) {\n\trespond x\n}\n";
  for (int i = 1; i <= 12; ++i) {
    text += "(s" + std::to_string(i) + ") {\n";
    for (int k = 0; k < 4; ++k) text += "\timport s" + std::to_string(i - 1) + "\n";
    text += "}\n";
  }
  // At site level, where Caddy expands every import (inside a block, an import that
  // starts a snippet would not be expanded at all).
  text += ":8080 {\n\timport s12\n}\n";
  Compiled c = compile_caddy(text);
  EXPECT_FALSE(c.config);
  EXPECT_NE(c.errors().find("imports expand to more than 200000 lines"), std::string::npos) << c.errors();
}

TEST(CaddyHostileInput, OddTokensAtEndOfFile) {
  for (std::string text : {std::string("a.com {\\"), std::string("`open"), std::string("\"a\\"), std::string("{"),
                           std::string("}"), std::string("}}}}"), std::string("{\n{\n}\n}"), std::string("<<"),
                           std::string("<<EOF\n"), std::string("(s) {\n}\nimport s {args[99999999999]}"),
                           std::string("@m path\n"), std::string(":8080\n@m {\n}\nrespond @m"), std::string(",,,"),
                           std::string("http:// {\n}"), std::string("[::1 {\n}"), std::string(std::string("\0\0{\0}", 5))}) {
    Compiled c = compile_caddy(text);
    (void)c;  // reaching here without a crash is the test; the sanitizer build checks memory
  }
  SUCCEED();
}

TEST(CaddyHostileInput, RandomBytesNeverCrashAndCompiledIrRoundTrips) {
  std::mt19937 rng(7);
  const std::string alphabet = "{}\n \t\"`\\#@*/:abcxyz<EOF>respond reverse_proxy handle import (s) 0123456789\xff";
  for (int n = 0; n < 300; ++n) {
    std::string text;
    int len = static_cast<int>(rng() % 200);
    for (int i = 0; i < len; ++i) text += alphabet[rng() % alphabet.size()];
    Compiled c = compile_caddy(text);
    if (c.config) {
      std::string json = ir::to_canonical_json(*c.config);
      EXPECT_EQ(ir::to_canonical_json(ir::config_from_json(json)), json);
    }
  }
}

TEST(CaddyHostileInput, ManySitesAndLongWords) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "http://s" + std::to_string(i) + ".example.com {\n\trespond x\n}\n";
  text += ":8081 {\n\trespond " + std::string(100000, 'a') + "\n}\n";
  Compiled c = compile_caddy(text);
  ASSERT_TRUE(c.config) << c.errors();
  EXPECT_EQ(c.config->virtual_hosts.size(), 2001u);
}

}  // namespace
}  // namespace pg::test
