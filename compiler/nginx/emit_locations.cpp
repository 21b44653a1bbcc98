#include "nginx/emit_locations.h"

#include <algorithm>
#include <cctype>

#include <boost/describe/enum_to_string.hpp>
#include <fmt/format.h>

#include <functional>

#include "ir/equivalence.h"
#include "ir/matchers.h"
#include "ir/path_regex_tests.h"
#include "ir/regex.h"
#include "nginx/emit_writer.h"

namespace pg::nginx::emitter {

namespace {

using ir::MatchOp;
using ir::Matcher;
using ir::PredKind;

bool is_path_kind(PredKind k) {
  return k == PredKind::path_exact || k == PredKind::path_prefix || k == PredKind::path_regex;
}

bool path_only(const Matcher& m) {
  if (m.op == MatchOp::predicate) return m.predicate && is_path_kind(m.predicate->kind);
  return std::all_of(m.children.begin(), m.children.end(), path_only);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with(const std::string& s, const std::string& prefix, bool ci = false) {
  if (s.size() < prefix.size()) return false;
  return ci ? lower(s.substr(0, prefix.size())) == lower(prefix) : s.compare(0, prefix.size(), prefix) == 0;
}

// Whether the path matcher holds for `path`; nullopt when it cannot be told.
std::optional<bool> eval(const Matcher& m, const std::string& path) {
  switch (m.op) {
    case MatchOp::predicate: {
      if (!m.predicate) return false;
      const auto& p = *m.predicate;
      switch (p.kind) {
        case PredKind::path_exact: return p.case_insensitive ? lower(p.value) == lower(path) : p.value == path;
        case PredKind::path_prefix: return starts_with(path, p.value, p.case_insensitive);
        case PredKind::path_regex:
          try {
            return ir::Regex(p.value, p.case_insensitive).matches(path);
          } catch (...) {
            return std::nullopt;
          }
        default: return std::nullopt;
      }
    }
    case MatchOp::not_: {
      if (m.children.empty()) return false;
      auto v = eval(m.children[0], path);
      if (!v) return std::nullopt;
      return !*v;
    }
    case MatchOp::all:
    case MatchOp::any: {
      bool unknown = false;
      for (const auto& c : m.children) {
        auto v = eval(c, path);
        if (!v) { unknown = true; continue; }
        if (m.op == MatchOp::all && !*v) return false;
        if (m.op == MatchOp::any && *v) return true;
      }
      if (unknown) return std::nullopt;
      return m.op == MatchOp::all;
    }
  }
  return std::nullopt;
}

// A zero-width PCRE2 condition, placed after '^', that holds where the matcher does.
std::string condition(const Matcher& m) {
  switch (m.op) {
    case MatchOp::predicate: {
      const auto& p = *m.predicate;
      std::string inner;
      switch (p.kind) {
        case PredKind::path_exact: inner = regex_escape(p.value); break;
        case PredKind::path_prefix: inner = regex_escape(p.value); break;
        default: inner = p.value; break;
      }
      if (p.case_insensitive) inner = "(?i:" + inner + ")";
      if (p.kind == PredKind::path_exact) return "(?=" + inner + "$)";
      if (p.kind == PredKind::path_prefix) return "(?=" + inner + ")";
      return "(?=.*?(?:" + inner + "))";
    }
    case MatchOp::not_: {
      // not(prefix) and not(any(prefixes)) read better as one negative lookahead.
      const Matcher& c = m.children[0];
      auto prefix_text = [](const Matcher& x) -> std::optional<std::string> {
        if (x.op != MatchOp::predicate || x.predicate->kind != PredKind::path_prefix) return std::nullopt;
        std::string e = regex_escape(x.predicate->value);
        return x.predicate->case_insensitive ? "(?i:" + e + ")" : e;
      };
      if (auto p = prefix_text(c)) return "(?!" + *p + ")";
      if (c.op == MatchOp::any && !c.children.empty()) {
        std::vector<std::string> parts;
        for (const auto& x : c.children) {
          auto p = prefix_text(x);
          if (!p) { parts.clear(); break; }
          parts.push_back(*p);
        }
        if (!parts.empty()) return "(?!" + fmt::format("{}", fmt::join(parts, "|")) + ")";
      }
      return "(?!" + condition(c) + ")";
    }
    case MatchOp::all: {
      std::string out;
      for (const auto& c : m.children) out += condition(c);
      return out;
    }
    case MatchOp::any: {
      std::vector<std::string> parts;
      for (const auto& c : m.children) parts.push_back(condition(c));
      return "(?:" + fmt::format("{}", fmt::join(parts, "|")) + ")";
    }
  }
  return "";
}

// One path predicate as a stand-alone regex ("^/a", "^/a$", or the regex itself).
std::string piece(const ir::Predicate& p) {
  switch (p.kind) {
    case PredKind::path_exact: return "^" + regex_escape(p.value) + "$";
    case PredKind::path_prefix: return "^" + regex_escape(p.value);
    default: return p.value;
  }
}

struct RegexForm {
  std::string regex;
  bool ci = false;
};

// A path-only matcher as one location regex, as readable as its shape allows.
RegexForm as_regex(const Matcher& m) {
  if (m.op == MatchOp::predicate) return {piece(*m.predicate), m.predicate->case_insensitive};
  bool simple_any = m.op == MatchOp::any && !m.children.empty() &&
                    std::all_of(m.children.begin(), m.children.end(), [](const Matcher& c) { return c.op == MatchOp::predicate; });
  if (simple_any) {
    bool all_ci = true, none_ci = true, all_prefix = true;
    for (const auto& c : m.children) {
      all_ci &= c.predicate->case_insensitive;
      none_ci &= !c.predicate->case_insensitive;
      all_prefix &= c.predicate->kind == PredKind::path_prefix;
    }
    std::vector<std::string> parts;
    if (all_prefix && (all_ci || none_ci)) {
      for (const auto& c : m.children) parts.push_back(regex_escape(c.predicate->value));
      return {"^(?:" + fmt::format("{}", fmt::join(parts, "|")) + ")", all_ci};
    }
    for (const auto& c : m.children) {
      std::string p = piece(*c.predicate);
      if (c.predicate->case_insensitive && !all_ci) p = "(?i:" + p + ")";
      parts.push_back(p);
    }
    return {fmt::format("{}", fmt::join(parts, "|")), all_ci};
  }
  if (m.op == MatchOp::all) {
    // One anchored regex among the conditions: its text follows them.
    for (size_t i = 0; i < m.children.size(); ++i) {
      const Matcher& c = m.children[i];
      if (c.op != MatchOp::predicate || c.predicate->kind != PredKind::path_regex) continue;
      const std::string& r = c.predicate->value;
      if (r.empty() || r[0] != '^' || r.find('|') != std::string::npos) continue;
      std::string out = "^";
      for (size_t j = 0; j < m.children.size(); ++j)
        if (j != i) out += condition(m.children[j]);
      std::string body = r.substr(1);
      return {out + (c.predicate->case_insensitive ? "(?i:" + body + ")" : body), false};
    }
  }
  return {"^" + condition(m), false};
}

bool is_regex(LocForm f) { return f == LocForm::regex || f == LocForm::regex_i; }

// nginx's own guard "the longest matching prefix is P": path_prefix(P), or
// all(path_prefix(P), not(any(longer prefixes))). Its P, or nullopt.
std::optional<std::string> longest_guard_prefix(const Matcher& m) {
  auto prefix_of = [](const Matcher& x) -> std::optional<std::string> {
    if (x.op == MatchOp::predicate && x.predicate && x.predicate->kind == PredKind::path_prefix &&
        !x.predicate->case_insensitive)
      return x.predicate->value;
    return std::nullopt;
  };
  if (auto p = prefix_of(m)) return p;
  if (m.op == MatchOp::all && m.children.size() == 2 && m.children[1].op == MatchOp::not_) return prefix_of(m.children[0]);
  return std::nullopt;
}

// A regex location behind ^~ prefixes, as nginx's front end writes it:
// all(not(any(guards)), path_regex R). Fills the prefixes and returns R's predicate.
const ir::Predicate* guarded_regex(const Matcher& m, std::vector<std::string>& prefixes) {
  if (m.op != MatchOp::all || m.children.size() != 2) return nullptr;
  const Matcher& own = m.children[1];
  const Matcher& guard = m.children[0];
  if (own.op != MatchOp::predicate || !own.predicate || own.predicate->kind != PredKind::path_regex) return nullptr;
  if (guard.op != MatchOp::not_ || guard.children.empty()) return nullptr;
  const Matcher& inner = guard.children[0];
  std::vector<const Matcher*> guards;
  if (inner.op == MatchOp::any) for (const auto& c : inner.children) guards.push_back(&c);
  else guards.push_back(&inner);
  for (const auto* g : guards) {
    auto p = longest_guard_prefix(*g);
    if (!p) return nullptr;
    prefixes.push_back(*p);
  }
  return &*own.predicate;
}

// Whether some path can match both the prefix location and the regex location, whose
// literal start (ir::literal_prefix) is `lit`.
bool overlap(const PlannedLocation& prefix, const PlannedLocation& regex, const std::optional<std::string>& lit) {
  if (std::find(regex.excluded.begin(), regex.excluded.end(), prefix.path) != regex.excluded.end()) return false;
  for (const auto& d : regex.disjoint)
    if (starts_with(prefix.path, d)) return false;
  if (!lit) return true;
  bool ci = regex.form == LocForm::regex_i;
  return starts_with(*lit, prefix.path, ci) || starts_with(prefix.path, *lit, ci);
}

}  // namespace

std::string regex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string_view(".^$|?*+()[]{}\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool uses_scheme(const Matcher& m) {
  if (m.op == MatchOp::predicate) return m.predicate && m.predicate->kind == PredKind::scheme;
  return std::any_of(m.children.begin(), m.children.end(), uses_scheme);
}

std::optional<Matcher> simplify(const Matcher& m, std::optional<bool> tls, bool& constant) {
  switch (m.op) {
    case MatchOp::predicate:
      if (!m.predicate) { constant = false; return std::nullopt; }
      if (m.predicate->kind == PredKind::scheme && tls) {
        constant = (lower(m.predicate->value) == "https") == *tls;
        return std::nullopt;
      }
      if (m.predicate->kind == PredKind::path_prefix && m.predicate->value == "/") {
        constant = true;
        return std::nullopt;
      }
      if (m.predicate->kind == PredKind::client_cidr && m.predicate->value == "all") {
        constant = true;
        return std::nullopt;
      }
      return m;
    case MatchOp::not_: {
      if (m.children.empty()) { constant = false; return std::nullopt; }
      bool c = false;
      auto inner = simplify(m.children[0], tls, c);
      if (!inner) { constant = !c; return std::nullopt; }
      return ir::negate(std::move(*inner));
    }
    case MatchOp::all:
    case MatchOp::any: {
      bool is_all = m.op == MatchOp::all;
      std::vector<Matcher> kept;
      for (const auto& child : m.children) {
        bool c = false;
        auto s = simplify(child, tls, c);
        if (s) { kept.push_back(std::move(*s)); continue; }
        if (is_all && !c) { constant = false; return std::nullopt; }
        if (!is_all && c) { constant = true; return std::nullopt; }
      }
      if (kept.empty()) { constant = is_all; return std::nullopt; }
      if (is_all) ir::drop_implied_path_tests(kept);  // nested locations: the inner path alone
      return is_all ? ir::all_of(std::move(kept)) : ir::any_of(std::move(kept));
    }
  }
  constant = false;
  return std::nullopt;
}

std::string location_head(const PlannedLocation& l) {
  switch (l.form) {
    case LocForm::exact: return "location = " + quote(l.path);
    case LocForm::prefix: return "location " + quote(l.path);
    case LocForm::noregex: return "location ^~ " + quote(l.path);
    case LocForm::regex: return "location ~ " + quote(l.path);
    case LocForm::regex_i: return "location ~* " + quote(l.path);
  }
  return "location " + quote(l.path);
}

std::vector<PlannedLocation> plan_locations(const ir::VirtualHost& vh, std::optional<bool> tls, Diagnostics& losses) {
  std::vector<PlannedLocation> out;
  std::vector<std::pair<size_t, Matcher>> earlier;  // reachable routes before, with their path matchers
  bool covered = false;
  for (size_t i = 0; i < vh.routes.size() && !covered; ++i) {
    const ir::Route& r = vh.routes[i];
    bool constant = false;
    auto m = simplify(r.match, tls, constant);
    PlannedLocation l;
    l.route = &r;
    l.order = i;
    if (!m) {
      if (!constant) continue;  // never matches here (the other scheme's server block)
      l.form = LocForm::prefix;
      l.path = "/";
      covered = true;
    } else if (!path_only(*m)) {
      std::vector<std::string> kinds;
      std::function<void(const Matcher&)> collect = [&](const Matcher& x) {
        if (x.op == MatchOp::predicate && x.predicate && !is_path_kind(x.predicate->kind)) {
          std::string k = boost::describe::enum_to_string(x.predicate->kind, "?");
          if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
        }
        for (const auto& c : x.children) collect(c);
      };
      collect(*m);
      losses.warning(r.loc, fmt::format("nginx cannot select a location by {} (its \"if\" is not used by proxyglot): "
                                        "the route \"{}\" is left out, its requests go to the next matching route",
                                        fmt::format("{}", fmt::join(kinds, ", ")), r.name));
      continue;
    } else if (m->op == MatchOp::predicate && m->predicate->kind == PredKind::path_exact && !m->predicate->case_insensitive) {
      l.form = LocForm::exact;
      l.path = m->predicate->value;
    } else if (m->op == MatchOp::predicate && m->predicate->kind == PredKind::path_prefix && !m->predicate->case_insensitive) {
      l.form = LocForm::prefix;
      l.path = m->predicate->value;
    } else if (const ir::Predicate* own = guarded_regex(*m, l.excluded)) {
      l.form = own->case_insensitive ? LocForm::regex_i : LocForm::regex;
      l.path = own->value;
    } else {
      RegexForm rf = as_regex(*m);
      l.form = rf.ci ? LocForm::regex_i : LocForm::regex;
      l.path = rf.regex;
      // Prefixes it excludes (all(..., not(prefix)), all(..., not(any(prefixes)))).
      if (m->op == MatchOp::all) {
        for (const auto& c : m->children) {
          if (c.op != MatchOp::not_ || c.children.empty()) continue;
          const Matcher& n = c.children[0];
          std::vector<const Matcher*> xs;
          if (n.op == MatchOp::any) for (const auto& x : n.children) xs.push_back(&x);
          else xs.push_back(&n);
          for (const auto* x : xs)
            if (x->op == MatchOp::predicate && x->predicate && x->predicate->kind == PredKind::path_prefix &&
                !x->predicate->case_insensitive)
              l.disjoint.push_back(x->predicate->value);
        }
      }
    }

    // A route an earlier one always answers for is dead: nginx must not select it.
    bool dead = false;
    if (l.form == LocForm::exact) {
      for (const auto& [j, em] : earlier)
        if (eval(em, l.path).value_or(false)) dead = true;
    } else if (l.form == LocForm::prefix && l.path != "/") {
      for (const auto& e : out)
        if ((e.form == LocForm::prefix || e.form == LocForm::noregex) && starts_with(l.path, e.path)) dead = true;
    }
    if (m) earlier.emplace_back(i, *m);
    if (dead) continue;
    out.push_back(std::move(l));
  }

  // A regex behind ^~ prefixes: those prefixes are ^~ locations again, when they are
  // here; else the guard goes into the regex itself.
  for (auto& l : out) {
    if (l.excluded.empty()) continue;
    bool all_here = std::all_of(l.excluded.begin(), l.excluded.end(), [&](const std::string& p) {
      return std::any_of(out.begin(), out.end(), [&](const PlannedLocation& o) {
        return (o.form == LocForm::prefix || o.form == LocForm::noregex) && o.path == p;
      });
    });
    if (all_here) {
      for (auto& o : out)
        if ((o.form == LocForm::prefix || o.form == LocForm::noregex) &&
            std::find(l.excluded.begin(), l.excluded.end(), o.path) != l.excluded.end())
          o.form = LocForm::noregex;
      continue;
    }
    bool constant = false;
    RegexForm rf = as_regex(*simplify(l.route->match, std::nullopt, constant));
    l.form = rf.ci ? LocForm::regex_i : LocForm::regex;
    l.path = rf.regex;
    l.excluded.clear();
  }

  // Prefixes against regexes, until nothing changes: a prefix that must win over a
  // later regex becomes ^~; one that must also lose to an earlier regex becomes a
  // regex itself, in its place in the order.
  // Each regex's literal start, found once (the loop looks at every pair).
  std::vector<std::optional<std::string>> lits(out.size());
  std::vector<size_t> regexes;
  for (size_t k = 0; k < out.size(); ++k)
    if (is_regex(out[k].form)) {
      lits[k] = ir::literal_prefix(out[k].path);
      regexes.push_back(k);
    }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t k = 0; k < out.size(); ++k) {
      auto& p = out[k];
      if (p.form != LocForm::prefix && p.form != LocForm::noregex) continue;
      if (p.path == "/") continue;  // every path: the last reachable route
      bool later = false, before = false;
      for (size_t x : regexes) {
        if (!overlap(p, out[x], lits[x])) continue;
        (out[x].order > p.order ? later : before) = true;
      }
      if (p.form == LocForm::prefix && later) {
        p.form = LocForm::noregex;
        changed = true;
      }
      if (p.form == LocForm::noregex && before) {
        p.form = LocForm::regex;
        p.path = "^" + regex_escape(p.path);
        lits[k] = ir::literal_prefix(p.path);
        regexes.push_back(k);
        changed = true;
      }
    }
  }
  return out;
}

}  // namespace pg::nginx::emitter
