// Which routes no request can match both of, told by their path tests: an emitter may
// then move a route ahead of others (HAProxy's http-request rules run before every
// use_backend) without changing which route answers. Paths read as the comparer reads
// them (ir::path_tests).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "ir/path_tests.h"

namespace pg::emit {

// The routes seen so far, each by one of its path tests (a route's tests are a
// conjunction: one of them disjoint from another route's is enough, so indexing one
// only ever finds too many overlaps, never too few).
class PathIndex {
 public:
  void add(const ir::Matcher& m);
  // Whether no route added so far can match a request `m` matches.
  bool disjoint_from_all(const ir::Matcher& m) const;

 private:
  bool overlaps(const ir::PathTest& t) const;

  bool unknown_ = false;  // a route without a path test: it may match anything
  std::set<std::string> exact_, prefixes_;
};

}  // namespace pg::emit
