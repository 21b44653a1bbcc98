#include "haproxy/emit_conditions.h"

#include <algorithm>

#include <fmt/format.h>

#include "haproxy/emit_words.h"

namespace pg::haproxy::emitter {

namespace {

constexpr size_t kMaxTerms = 32;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string ci(const ir::Predicate& p) { return p.case_insensitive ? " -i" : ""; }

// The text a regex matches literally (every special character escaped), or nullopt:
// the inverse of acl.cpp's regex_escape, so that path_end/path_sub come back as written.
std::optional<std::string> literal_regex(std::string_view re) {
  static const std::string_view special = "\\^$.|?*+()[]{}/";
  std::string out;
  for (size_t i = 0; i < re.size(); ++i) {
    char c = re[i];
    if (c == '\\') {
      if (i + 1 >= re.size() || special.find(re[i + 1]) == std::string_view::npos) return std::nullopt;
      out += re[++i];
      continue;
    }
    if (special.find(c) != std::string_view::npos) return std::nullopt;
    out += c;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// path_end/path_sub (or hdr_beg/hdr_end/hdr_sub) for a regex that is a literal with
// anchors, as the front end lowers them; nullopt otherwise.
std::optional<std::pair<std::string, std::string>> literal_match(const std::string& re, bool allow_beg) {
  if (re.size() > 1 && re.back() == '$' && re[re.size() - 2] != '\\')
    if (auto lit = literal_regex(std::string_view(re).substr(0, re.size() - 1))) return std::pair{std::string("end"), *lit};
  if (allow_beg && re.size() > 1 && re[0] == '^')
    if (auto lit = literal_regex(std::string_view(re).substr(1))) return std::pair{std::string("beg"), *lit};
  if (auto lit = literal_regex(re)) return std::pair{std::string("sub"), *lit};
  return std::nullopt;
}

}  // namespace

std::optional<AclExpr> acl_expr(const ir::Predicate& p) {
  using K = ir::PredKind;
  AclExpr e;
  const std::string& v = p.value;
  switch (p.kind) {
    case K::path_exact:
      // "_exact" keeps it apart from the prefix ACL of the same path (nginx's "= /ws" and "/ws/").
      e = {"path" + ci(p), {v}, false, "path_" + slug(v) + "_exact"};
      if (slug(v).empty()) e.name = "path_root";
      break;
    case K::path_prefix:
      if (v == "/" && !p.case_insensitive) return std::nullopt;
      e = {"path_beg" + ci(p), {v}, false, "path_" + slug(v)};
      break;
    case K::path_regex:
      if (auto lit = literal_match(v, false))
        e = {"path_" + lit->first + ci(p), {lit->second}, false, "path_" + lit->first + "_" + slug(lit->second)};
      else
        e = {"path_reg" + ci(p), {v}, false, "path_re_" + slug(v, 24)};
      break;
    case K::host: e = {"hdr(host) -i", {v}, false, "host_" + slug(v)}; break;
    case K::header_present: e = {fmt::format("hdr({}) -m found", p.name), {}, false, "has_" + slug(p.name)}; break;
    case K::header_exact:
      e = {fmt::format("hdr({}){}", p.name, ci(p)), {v}, false, "hdr_" + slug(p.name) + "_" + slug(v, 16)};
      break;
    case K::header_regex:
      if (auto lit = literal_match(v, true))
        e = {fmt::format("hdr_{}({}){}", lit->first, p.name, ci(p)), {lit->second}, false,
             "hdr_" + slug(p.name) + "_" + slug(lit->second, 16)};
      else
        e = {fmt::format("hdr_reg({}){}", p.name, ci(p)), {v}, false, "hdr_" + slug(p.name) + "_re"};
      break;
    case K::method: e = {"method", {v}, false, "meth_" + slug(v)}; break;
    case K::query:
      if (v.empty()) e = {"query -m found", {}, true, "has_query"};
      else e = {"query", {v}, false, "query_" + slug(v, 16)};
      break;
    case K::client_cidr: e = {"src", {v}, false, "src_" + slug(v)}; break;
    case K::scheme:
      e = {"ssl_fc", {}, lower(v) != "https", "is_tls"};
      break;
    case K::upgrade: e = {"hdr(upgrade) -i", {v}, false, "upgrade_" + slug(v)}; break;
    case K::query_arg:
      e = {fmt::format("url_param({}){}", p.name, ci(p)), {v}, false, "arg_" + slug(p.name) + "_" + slug(v, 16)};
      break;
    case K::query_arg_present: e = {fmt::format("url_param({}) -m found", p.name), {}, false, "has_arg_" + slug(p.name)}; break;
  }
  while (!e.name.empty() && e.name.back() == '_') e.name.pop_back();
  return e;
}

namespace {

std::string expr_text(const AclExpr& e) {
  std::string out = e.fetch;
  bool dash = false;
  for (const auto& p : e.patterns) dash = dash || (!p.empty() && p[0] == '-');
  if (dash) out += " --";
  for (const auto& p : e.patterns) out += " " + word(p);
  return out;
}

}  // namespace

Literal AclSet::define(const std::vector<AclExpr>& lines, const std::string& name) {
  if (anonymous_ && lines.size() == 1) return {"{ " + expr_text(lines[0]) + " }", false};
  std::string def;
  for (const auto& l : lines) def += expr_text(l) + "\n";
  if (auto it = by_definition_.find(def); it != by_definition_.end()) return {it->second, false};
  std::string base = name.empty() ? "acl" : name;
  std::string n = base;
  for (int i = 2; by_name_.count(n); ++i) n = fmt::format("{}_{}", base, i);
  by_name_[n] = def;
  by_definition_[def] = n;
  for (const auto& l : lines) lines_.push_back(fmt::format("acl {} {}", n, expr_text(l)));
  return {n, false};
}

namespace {

Dnf always_dnf() { return Dnf{Term{}}; }

Dnf simplify(Dnf d) {
  Dnf out;
  for (auto& t : d) {
    Term u;
    bool contradiction = false;
    for (auto& l : t) {
      if (std::find(u.begin(), u.end(), l) != u.end()) continue;
      if (std::find(u.begin(), u.end(), Literal{l.text, !l.negated}) != u.end()) contradiction = true;
      u.push_back(l);
    }
    if (contradiction) continue;
    if (u.empty()) return always_dnf();
    if (std::find(out.begin(), out.end(), u) == out.end()) out.push_back(std::move(u));
  }
  return out;
}

std::optional<Dnf> product(const Dnf& a, const Dnf& b) {
  Dnf out;
  for (const auto& x : a)
    for (const auto& y : b) {
      Term t = x;
      t.insert(t.end(), y.begin(), y.end());
      out.push_back(std::move(t));
      if (out.size() > kMaxTerms * 4) return std::nullopt;
    }
  out = simplify(std::move(out));
  if (out.size() > kMaxTerms) return std::nullopt;
  return out;
}

Literal flip(Literal l, bool negated) {
  l.negated = l.negated != negated;
  return l;
}

// An `any` of predicates only: one ACL (same-fetch patterns merged, else several lines).
std::optional<Literal> any_as_acl(const ir::Matcher& m, AclSet& acls) {
  if (m.children.size() < 2) return std::nullopt;
  std::vector<AclExpr> lines;
  for (const auto& c : m.children) {
    if (c.op != ir::MatchOp::predicate || !c.predicate) return std::nullopt;
    auto e = acl_expr(*c.predicate);
    if (!e || e->negated) return std::nullopt;
    auto same = std::find_if(lines.begin(), lines.end(), [&](const AclExpr& x) { return x.fetch == e->fetch; });
    if (same != lines.end() && !e->patterns.empty() && !same->patterns.empty())
      same->patterns.insert(same->patterns.end(), e->patterns.begin(), e->patterns.end());
    else
      lines.push_back(*e);
  }
  if (lines.size() > 1 && lines.front().fetch.rfind("{", 0) == 0) return std::nullopt;
  std::string name = lines.front().name;
  if (lines.size() == 1 && lines.front().patterns.size() > 1) name += "_any";
  if (lines.size() > 1) name += "_or";
  return acls.define(lines, name);
}

}  // namespace

std::optional<Dnf> to_dnf(const ir::Matcher& m, AclSet& acls, bool negated) {
  switch (m.op) {
    case ir::MatchOp::predicate: {
      if (!m.predicate) return always_dnf();
      auto e = acl_expr(*m.predicate);
      if (!e) return negated ? Dnf{} : always_dnf();
      bool neg = e->negated;
      e->negated = false;
      Literal l = acls.define({*e}, e->name);
      return Dnf{Term{flip(l, neg != negated)}};
    }
    case ir::MatchOp::not_:
      if (m.children.empty()) return negated ? always_dnf() : Dnf{};
      return to_dnf(m.children[0], acls, !negated);
    case ir::MatchOp::all:
    case ir::MatchOp::any: {
      bool conj = (m.op == ir::MatchOp::all) != negated;
      if (m.op == ir::MatchOp::any) {
        // Anonymous ACLs cannot hold several lines: only merge when the set allows it.
        if (auto l = any_as_acl(m, acls)) return Dnf{Term{flip(*l, negated)}};
      }
      if (conj) {
        Dnf acc = always_dnf();
        for (const auto& c : m.children) {
          auto d = to_dnf(c, acls, negated);
          if (!d) return std::nullopt;
          auto p = product(acc, *d);
          if (!p) return std::nullopt;
          acc = std::move(*p);
          if (acc.empty()) break;
        }
        return acc;
      }
      Dnf acc;
      for (const auto& c : m.children) {
        auto d = to_dnf(c, acls, negated);
        if (!d) return std::nullopt;
        acc.insert(acc.end(), d->begin(), d->end());
      }
      acc = simplify(std::move(acc));
      if (acc.size() > kMaxTerms) return std::nullopt;
      return acc;
    }
  }
  return std::nullopt;
}

std::optional<Dnf> conjunction(const Dnf& a, const Dnf& b) { return product(a, b); }

bool always(const Dnf& d) { return d.size() == 1 && d[0].empty(); }
bool never(const Dnf& d) { return d.empty(); }

std::string condition(const Dnf& d) {
  if (always(d)) return "";
  std::string out = "if";
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) out += " ||";
    for (const auto& l : d[i]) out += " " + std::string(l.negated ? "!" : "") + l.text;
  }
  return out;
}

bool matches_everything(const ir::Matcher& m) {
  if (m.op == ir::MatchOp::all) {
    for (const auto& c : m.children)
      if (!matches_everything(c)) return false;
    return true;
  }
  if (m.op == ir::MatchOp::predicate && m.predicate)
    return m.predicate->kind == ir::PredKind::path_prefix && m.predicate->value == "/";
  return false;
}

}  // namespace pg::haproxy::emitter
