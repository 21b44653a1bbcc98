// emit::PathIndex: which routes an emitter may move ahead of others (no request matches
// both, as their path tests tell).
#include <gtest/gtest.h>

#include "emit/route_paths.h"
#include "ir/matchers.h"

namespace pg::test {
namespace {

using ir::PredKind;

ir::Matcher exact(const std::string& p) { return ir::pred(PredKind::path_exact, p); }
ir::Matcher prefix(const std::string& p) { return ir::pred(PredKind::path_prefix, p); }

TEST(RoutePaths, ExactPathsAndPrefixes) {
  emit::PathIndex earlier;
  EXPECT_TRUE(earlier.disjoint_from_all(exact("/a")));  // nothing before it
  earlier.add(exact("/media/api0"));
  earlier.add(prefix("/api/"));
  EXPECT_TRUE(earlier.disjoint_from_all(exact("/orders/media1")));
  EXPECT_TRUE(earlier.disjoint_from_all(exact("/api")));         // "/api" does not start with "/api/"
  EXPECT_FALSE(earlier.disjoint_from_all(exact("/media/api0")));
  EXPECT_FALSE(earlier.disjoint_from_all(exact("/api/x")));      // under an earlier prefix
  EXPECT_FALSE(earlier.disjoint_from_all(prefix("/media/")));    // holds an earlier exact path
  EXPECT_FALSE(earlier.disjoint_from_all(prefix("/a")));         // holds the earlier prefix
  EXPECT_TRUE(earlier.disjoint_from_all(prefix("/b/")));
  // Letter case never makes two paths disjoint: a test may be case-insensitive.
  EXPECT_FALSE(earlier.disjoint_from_all(exact("/MEDIA/api0")));
}

TEST(RoutePaths, ConjunctionsAndRoutesWithoutPaths) {
  emit::PathIndex earlier;
  earlier.add(ir::all_of({prefix("/v1/"), ir::pred(PredKind::header_exact, "x", "X-A")}));
  // One disjoint test of a conjunction is enough.
  EXPECT_TRUE(earlier.disjoint_from_all(ir::all_of({exact("/v2"), ir::pred(PredKind::method, "GET")})));
  // A route without a path test says nothing about its paths.
  EXPECT_FALSE(earlier.disjoint_from_all(ir::pred(PredKind::method, "GET")));
  earlier.add(ir::Matcher{});  // every request
  EXPECT_FALSE(earlier.disjoint_from_all(exact("/v2")));
}

}  // namespace
}  // namespace pg::test
