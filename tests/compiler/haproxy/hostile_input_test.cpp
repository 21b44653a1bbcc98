// Hostile input never crashes, hangs or throws: invalid UTF-8, NUL bytes, deep nesting,
// huge lines, random bytes. Errors are fine; crashes are not.
#include <gtest/gtest.h>

#include <random>

#include "support/haproxy_fixture.h"

namespace pg::test {
namespace {

void survives(const std::string& text) {
  EXPECT_NO_THROW({ auto r = compile_haproxy(text); (void)r; });
}

TEST(HaproxyHostile, InvalidUtf8AndNulBytes) {
  survives(std::string("frontend f\xff\xfe\n bind :80\0\n", 22));
  survives("defaults\n mode http\nfrontend caf\xe9\n bind :80\n http-request set-header X \"\xc3\x28\"\n");
}

TEST(HaproxyHostile, DeepConditionals) {
  std::string t;
  for (int i = 0; i < 1000; ++i) t += ".if 1\n";
  auto r = compile_haproxy(t);
  EXPECT_NE(r.errors().find("too many nested '.if'"), std::string::npos);
  survives(".if " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n.endif\n");
  survives(".if " + std::string(5000, '!') + "1\n.endif\n");
}

TEST(HaproxyHostile, LongLinesAndManyWords) {
  survives("frontend f\n bind :80\n acl a path_beg" + std::string(200000, ' ') + "/x\n");
  std::string many = "defaults\n mode http\nfrontend f\n bind :80\n acl a path";
  for (int i = 0; i < 20000; ++i) many += " /p" + std::to_string(i);
  survives(many + "\n use_backend b if a\nbackend b\n server s 1.1.1.1:1\n");
}

TEST(HaproxyHostile, BrokenConditionsAndLogFormats) {
  for (const char* line : {" use_backend b if {", " use_backend b if }", " use_backend b if ||", " use_backend b if !",
                           " use_backend b if a or", " http-request set-header X %[", " http-request set-header X %[src,",
                           " http-request set-header X %[src(]", " http-request set-header X %{", " http-request set-header X %",
                           " http-request redirect", " http-request return status", " acl", " acl a", " acl a hdr(",
                           " acl a -m", " bind", " bind [::", " bind unix@", " balance hash", " balance random(0)"})
    survives(std::string("defaults\n mode http\nfrontend f\n") + line + "\nbackend b\n server s 1.1.1.1:1\n");
}

TEST(HaproxyHostile, RandomBytes) {
  std::mt19937 rng(42);
  const std::string alphabet = "abc {}()[]%$\"'\\#!|&\n\t .,:-_/0123456789\xff";
  for (int n = 0; n < 300; ++n) {
    std::string t = n % 2 ? "defaults\n mode http\nfrontend f\n bind :80\n" : "";
    for (int i = 0; i < 200; ++i) t += alphabet[rng() % alphabet.size()];
    survives(t);
  }
}

}  // namespace
}  // namespace pg::test
