#include "nginx/route_order.h"

#include "ir/matchers.h"

#include <algorithm>

namespace pg::nginx {

namespace {

struct Lists {
  std::vector<OrderedLocation> terminal;
  std::vector<OrderedLocation> soft;
};

bool is_prefix(const LocationNode& n) { return n.kind == LocKind::prefix || n.kind == LocKind::noregex; }
bool is_regex(const LocationNode& n) { return n.kind == LocKind::regex || n.kind == LocKind::regex_i; }

ir::Matcher with_guards(const std::vector<ir::Matcher>& guards, ir::Matcher own) {
  std::vector<ir::Matcher> all = guards;
  all.push_back(std::move(own));
  return ir::all_of(std::move(all));
}

// True when `p` is the longest matching prefix among `prefixes`: it matches and no
// longer prefix that extends it does.
ir::Matcher longest_guard(const LocationNode& p, const std::vector<const LocationNode*>& prefixes) {
  std::vector<ir::Matcher> longer;
  for (const auto* q : prefixes)
    if (q != &p && q->path.size() > p.path.size() && q->path.compare(0, p.path.size(), p.path) == 0)
      longer.push_back(ir::pred(ir::PredKind::path_prefix, q->path));
  ir::Matcher own = ir::pred(ir::PredKind::path_prefix, p.path);
  if (longer.empty()) return own;
  std::vector<ir::Matcher> both;
  both.push_back(std::move(own));
  both.push_back(ir::negate(ir::any_of(std::move(longer))));
  return ir::all_of(std::move(both));
}

Lists order_level(const std::vector<LocationNode>& level, const std::vector<ir::Matcher>& guards) {
  Lists out;
  std::vector<const LocationNode*> prefixes;
  for (const auto& n : level)
    if (is_prefix(n)) prefixes.push_back(&n);
  std::stable_sort(prefixes.begin(), prefixes.end(), [](const auto* a, const auto* b) {
    return a->path.size() > b->path.size();
  });

  for (const auto& n : level)
    if (n.kind == LocKind::exact)
      out.terminal.push_back({&n, with_guards(guards, ir::pred(ir::PredKind::path_exact, n.path))});

  // "/foo" answered with a 301 to "/foo/" when no location is named "/foo".
  for (const auto& n : level) {
    if (!n.auto_redirect || n.path.size() < 2) continue;
    std::string bare = n.path.substr(0, n.path.size() - 1);
    bool named = std::any_of(level.begin(), level.end(), [&](const LocationNode& o) {
      return !is_regex(o) && o.kind != LocKind::named && o.path == bare;
    });
    if (!named)
      out.terminal.push_back({&n, with_guards(guards, ir::pred(ir::PredKind::path_exact, bare)), true});
  }

  for (const auto* p : prefixes) {
    std::vector<ir::Matcher> inner = guards;
    if (!p->children.empty()) {
      inner.push_back(longest_guard(*p, prefixes));
      Lists child = order_level(p->children, inner);
      for (auto& e : child.terminal) out.terminal.push_back(std::move(e));
      for (auto& e : child.soft) out.soft.push_back(std::move(e));
    }
    out.soft.push_back({p, with_guards(guards, ir::pred(ir::PredKind::path_prefix, p->path))});
  }

  // This level's regexes do not apply where the longest prefix is '^~'.
  std::vector<ir::Matcher> regex_guards = guards;
  std::vector<ir::Matcher> noregex;
  for (const auto* p : prefixes)
    if (p->kind == LocKind::noregex) noregex.push_back(longest_guard(*p, prefixes));
  if (!noregex.empty()) regex_guards.push_back(ir::negate(ir::any_of(std::move(noregex))));

  for (const auto& x : level) {
    if (!is_regex(x)) continue;
    ir::Matcher own = ir::pred(ir::PredKind::path_regex, x.path, "", x.kind == LocKind::regex_i);
    if (!x.children.empty()) {
      std::vector<ir::Matcher> inner = regex_guards;
      inner.push_back(own);
      Lists child = order_level(x.children, inner);
      for (auto& e : child.terminal) out.terminal.push_back(std::move(e));
      for (auto& e : child.soft) out.terminal.push_back(std::move(e));
    }
    out.terminal.push_back({&x, with_guards(regex_guards, std::move(own))});
  }
  return out;
}

}  // namespace

std::vector<OrderedLocation> order_locations(const std::vector<LocationNode>& level) {
  Lists lists = order_level(level, {});
  std::vector<OrderedLocation> all = std::move(lists.terminal);
  for (auto& e : lists.soft) all.push_back(std::move(e));
  return all;
}

}  // namespace pg::nginx
