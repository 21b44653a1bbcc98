// The path tests a matcher requires: its own path test, or those of its all(...), each
// exact or a prefix, values lowered so that a case-insensitive test is never taken for
// one that differs. Read alike by the comparer (which routes cannot both match a
// request, ir/equivalence.cpp) and the emitters (which routes may move ahead of others,
// emit/route_paths).
#pragma once

#include <string>
#include <vector>

#include "ir/ir.h"
#include "ir/text.h"

namespace pg::ir {

struct PathTest {
  bool exact = false;
  std::string value;  // lowered
};

// Every request `m` matches passes each of these.
inline std::vector<PathTest> path_tests(const Matcher& m) {
  std::vector<PathTest> out;
  auto add = [&](const Matcher& x) {
    if (x.op == MatchOp::predicate && x.predicate &&
        (x.predicate->kind == PredKind::path_prefix || x.predicate->kind == PredKind::path_exact))
      out.push_back({x.predicate->kind == PredKind::path_exact, to_lower(x.predicate->value)});
  };
  add(m);
  if (m.op == MatchOp::all)
    for (const auto& c : m.children) add(c);
  return out;
}

}  // namespace pg::ir
