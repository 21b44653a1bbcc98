#include "emit/route_paths.h"

#include <cctype>

namespace pg::emit {

namespace {

std::string lowered(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

// Whether a value of `set` starts with `p`: the first value not below `p` does, if any.
bool some_starts_with(const std::set<std::string>& set, const std::string& p) {
  auto it = set.lower_bound(p);
  return it != set.end() && starts_with(*it, p);
}

}  // namespace

std::vector<PathTest> path_tests(const ir::Matcher& m) {
  std::vector<PathTest> out;
  auto add = [&](const ir::Matcher& x) {
    if (x.op == ir::MatchOp::predicate && x.predicate &&
        (x.predicate->kind == ir::PredKind::path_prefix || x.predicate->kind == ir::PredKind::path_exact))
      out.push_back({x.predicate->kind == ir::PredKind::path_exact, lowered(x.predicate->value)});
  };
  add(m);
  if (m.op == ir::MatchOp::all)
    for (const auto& c : m.children) add(c);
  return out;
}

void PathIndex::add(const ir::Matcher& m) {
  auto tests = path_tests(m);
  if (tests.empty()) {
    unknown_ = true;
    return;
  }
  const PathTest& t = tests.front();
  (t.exact ? exact_ : prefixes_).insert(t.value);
}

bool PathIndex::overlaps(const PathTest& t) const {
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
  for (const PathTest& t : path_tests(m))
    if (!overlaps(t)) return true;
  return false;
}

}  // namespace pg::emit
