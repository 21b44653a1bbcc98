// Building the IR's matcher trees: one set of helpers for every front end.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/ir.h"

namespace pg::ir {

inline Matcher pred(PredKind kind, std::string value, std::string name = "", bool case_insensitive = false) {
  Matcher m;
  m.op = MatchOp::predicate;
  m.predicate = Predicate{kind, std::move(name), std::move(value), case_insensitive};
  return m;
}

namespace detail {
// all/any of `children`: one child is itself; nested groups of the same kind spliced in.
inline Matcher group(MatchOp op, std::vector<Matcher> children) {
  if (children.size() == 1) return std::move(children.front());
  Matcher m;
  m.op = op;
  for (auto& c : children) {
    if (c.op == op) {
      for (auto& g : c.children) m.children.push_back(std::move(g));
    } else {
      m.children.push_back(std::move(c));
    }
  }
  return m;
}
}  // namespace detail

inline Matcher all_of(std::vector<Matcher> children) { return detail::group(MatchOp::all, std::move(children)); }
inline Matcher any_of(std::vector<Matcher> children) { return detail::group(MatchOp::any, std::move(children)); }

inline Matcher negate(Matcher child) {
  Matcher m;
  m.op = MatchOp::not_;
  m.children.push_back(std::move(child));
  return m;
}

inline Matcher always() { return Matcher{}; }          // all of none
inline Matcher never() { return any_of({}); }          // any of none

}  // namespace pg::ir
