#include "ir/map_dispatch.h"

#include <cctype>
#include <exception>
#include <string_view>

#include "ir/matchers.h"
#include "ir/path_regex_tests.h"
#include "ir/regex.h"

namespace pg::ir {

namespace {

// Whether the matcher is "all of" conditions that are all of nothing: every request.
bool matches_every_request(const Matcher& m) {
  if (m.op != MatchOp::all) return false;
  for (const auto& c : m.children)
    if (!matches_every_request(c)) return false;
  return true;
}

// The text a regex "^literal$" matches (escapes of punctuation undone), or nullopt.
std::optional<std::string> exact_literal(const std::string& re) {
  auto lit = anchored_literal(re);
  if (!lit || !lit->whole) return std::nullopt;
  return std::move(lit->text);
}

}  // namespace

std::optional<std::vector<Route>> map_dispatch(const Config& c, const Route& r, std::string* map_name) {
  if (r.action.kind != ActionKind::proxy || !r.action.proxy || !r.action.proxy->dynamic_target) return std::nullopt;
  const auto& t = r.action.proxy->dynamic_target->parts;
  if (t.size() != 1 || t[0].var != Var::map || !t[0].converters.empty()) return std::nullopt;
  const Map* m = nullptr;
  for (const auto& x : c.maps)
    if (x.name == t[0].value) m = &x;
  if (!m || m->hostnames || m->source.parts.size() != 1) return std::nullopt;
  const TemplatePart& src = m->source.parts[0];
  if (src.var != Var::request_header || !src.converters.empty()) return std::nullopt;
  auto pool_named = [&](const Template& v) -> std::optional<std::string> {
    if (v.parts.size() != 1 || v.parts[0].var != Var::literal) return std::nullopt;
    for (const auto& p : c.pools)
      if (p.name == v.parts[0].value) return p.name;
    return std::nullopt;
  };
  bool every = matches_every_request(r.match);
  auto with = [&](const std::string& pool, std::optional<Matcher> condition) {
    Route x = r;
    x.action.proxy->dynamic_target.reset();
    x.action.proxy->pool = pool;
    if (condition) x.match = every ? std::move(*condition) : all_of({r.match, std::move(*condition)});
    return x;
  };
  std::vector<Route> exact, regexes;
  for (const auto& e : m->entries) {
    auto pool = pool_named(e.value);
    if (!pool) return std::nullopt;
    switch (e.match) {
      case MapMatch::exact:
        if (e.pattern.empty()) return std::nullopt;  // the absent header's value
        exact.push_back(with(*pool, pred(PredKind::header_exact, e.pattern, src.value, true)));
        break;
      case MapMatch::regex:
      case MapMatch::regex_i: {
        bool ci = e.match == MapMatch::regex_i;
        try {
          if (Regex(e.pattern, ci).matches("")) return std::nullopt;
        } catch (const std::exception&) {
          return std::nullopt;
        }
        auto lit = exact_literal(e.pattern);
        regexes.push_back(with(*pool, lit ? pred(PredKind::header_exact, *lit, src.value, ci)
                                          : pred(PredKind::header_regex, e.pattern, src.value, ci)));
        break;
      }
      default:
        return std::nullopt;
    }
  }
  auto fallback = pool_named(m->default_value);
  if (!fallback) return std::nullopt;
  for (auto& x : regexes) exact.push_back(std::move(x));
  exact.push_back(with(*fallback, std::nullopt));
  if (map_name) *map_name = m->name;
  return exact;
}

}  // namespace pg::ir
