#include "diag/alike_warnings.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pg {
namespace {

struct Place {
  SourceLoc loc;
  std::string key;
  std::string message;
};

std::string grouped(const std::vector<Place>& places) {
  AlikeWarnings w;
  for (const auto& p : places) w.add(p.loc, p.key, [&] { return p.message; });
  Diagnostics out;
  w.report(out, false);
  std::string text;
  for (const auto& d : out.all()) text += format_diagnostic(d) + "\n";
  return text + "places " + std::to_string(w.places());
}

// Each group at its first place in source order (by file, then line), in the order
// the groups were first seen, with the message of that place.
TEST(AlikeWarnings, GroupsByKeyAtTheFirstPlace) {
  EXPECT_EQ(grouped({{{"b.conf", 2, 1}, "k", "at b 2"},
                     {{"a.conf", 9, 1}, "k", "at 9"},
                     {{"a.conf", 7, 1}, "other", "other"},
                     {{"a.conf", 4, 3}, "k", "at 4"},
                     {{"a.conf", 12, 1}, "k", "at 12"},
                     {{"a.conf", 4, 2}, "k", "at 4, column 2"}}),
            "a.conf:4:2: warning: at 4, column 2 (the same in 4 more places: lines 9, 12, b.conf:2)\n"
            "a.conf:7:1: warning: other\n"
            "places 6");
}

}  // namespace
}  // namespace pg
