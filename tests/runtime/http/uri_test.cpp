#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/uri.h"

namespace pg::runtime {
namespace {

TEST(ParseTarget, NormalisesAsNginx) {
  EXPECT_EQ(parse_target("/")->path, "/");
  EXPECT_EQ(parse_target("/a//b/./c/../d?x=1")->path, "/a/b/d");
  EXPECT_EQ(parse_target("/a//b/./c/../d?x=1")->query, "x=1");
  EXPECT_EQ(parse_target("/%41b/")->path, "/Ab/");
  EXPECT_FALSE(parse_target("/.."));
  EXPECT_FALSE(parse_target("x"));
  EXPECT_FALSE(parse_target("/%4"));
  EXPECT_FALSE(parse_target(std::string_view("/a\0b", 4)));
}

// parse_target takes plain paths as they are: the same result as the general reading
// for every path built from the characters that matter to it.
TEST(ParseTarget, PlainPathShortcutAgreesWithTheGeneralReading) {
  const std::vector<std::string> pieces = {"/", "a", ".", "..", "%2e", "%2F", "%", "?", "b.c", ".d", std::string(1, '\0')};
  std::vector<std::string> targets = {""};
  for (int depth = 0; depth < 4; ++depth) {
    std::vector<std::string> longer;
    for (const auto& t : targets)
      for (const auto& p : pieces) longer.push_back(t + p);
    targets.insert(targets.end(), longer.begin(), longer.end());
  }
  int compared = 0;
  for (const auto& t : targets) {
    auto fast = parse_target(t), general = parse_target_general(t);
    ASSERT_EQ(fast.has_value(), general.has_value()) << t;
    if (!fast) continue;
    EXPECT_EQ(fast->path, general->path) << t;
    EXPECT_EQ(fast->query, general->query) << t;
    ++compared;
  }
  EXPECT_GT(compared, 1000);
}

}  // namespace
}  // namespace pg::runtime
