// IR matchers as HAProxy conditions: a matcher tree becomes a disjunction of
// conjunctions of (possibly negated) ACLs, the shape `if a !b || c` has. Predicates of
// one fetch under an `any` share one ACL with several patterns.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace pg::haproxy::emitter {

// An ACL expression: a fetch with its flags, and the patterns (ORed).
struct AclExpr {
  std::string fetch;  // "path_beg", "hdr(host) -i", "url_param(v) -m found"
  std::vector<std::string> patterns;
  bool negated = false;  // the predicate holds when the expression does not
  std::string name;      // a readable name for it
};

// The ACL expression of one predicate (inverse of acl.cpp's lower_acl); nullopt when
// the predicate matches every request.
std::optional<AclExpr> acl_expr(const ir::Predicate& p);

// A literal of a condition: a named ACL, or an anonymous `{ ... }` one.
struct Literal {
  std::string text;  // the ACL's name or "{ fetch patterns }"
  bool negated = false;
  bool operator==(const Literal&) const = default;
};
using Term = std::vector<Literal>;  // ANDed
using Dnf = std::vector<Term>;      // ORed; {} never matches, {{}} always does

// The named ACLs of one proxy: same definition, same name.
class AclSet {
 public:
  explicit AclSet(bool anonymous) : anonymous_(anonymous) {}
  // The literal for an expression (or several ORed lines under one name).
  Literal define(const std::vector<AclExpr>& lines, const std::string& name);
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  bool anonymous_;  // backends: `{ ... }` in place, no acl lines
  std::map<std::string, std::string> by_definition_;
  std::map<std::string, std::string> by_name_;
  std::vector<std::string> lines_;
};

// nullopt when the disjunction would grow past a sane size.
std::optional<Dnf> to_dnf(const ir::Matcher& m, AclSet& acls, bool negated = false);

// Both conditions: nullopt when too large.
std::optional<Dnf> conjunction(const Dnf& a, const Dnf& b);

// "if a !b || c"; "" for always.
std::string condition(const Dnf& d);

bool always(const Dnf& d);
bool never(const Dnf& d);
// Whether the matcher matches every request (as the IR comparison reads it).
bool matches_everything(const ir::Matcher& m);

}  // namespace pg::haproxy::emitter
