#include "emit/route_paths.h"

namespace pg::emit {

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

// Whether a value of `set` starts with `p`: the first value not below `p` does, if any.
bool some_starts_with(const std::set<std::string>& set, const std::string& p) {
  auto it = set.lower_bound(p);
  return it != set.end() && starts_with(*it, p);
}

}  // namespace

void PathIndex::add(const ir::Matcher& m) {
  auto tests = ir::path_tests(m);
  if (tests.empty()) {
    unknown_ = true;
    return;
  }
  const ir::PathTest& t = tests.front();
  (t.exact ? exact_ : prefixes_).insert(t.value);
}

bool PathIndex::overlaps(const ir::PathTest& t) const {
  // A path matching t and a prefix p: p is a prefix of t's value (or, t a prefix too,
  // the other way round).
  for (size_t n = 0; n <= t.value.size(); ++n)
    if (prefixes_.count(t.value.substr(0, n))) return true;
  if (t.exact) return exact_.count(t.value) > 0;
  return some_starts_with(exact_, t.value) || some_starts_with(prefixes_, t.value);
}

bool PathIndex::disjoint_from_all(const ir::Matcher& m) const {
  if (unknown_) return false;
  if (exact_.empty() && prefixes_.empty()) return true;
  for (const ir::PathTest& t : ir::path_tests(m))
    if (!overlaps(t)) return true;
  return false;
}

}  // namespace pg::emit
