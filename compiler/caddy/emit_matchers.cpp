#include "caddy/emit_matchers.h"

#include <algorithm>

#include <fmt/format.h>

#include "caddy/values.h"
#include "ir/text.h"

namespace pg::caddy {

namespace {

struct Line {
  std::string category;  // lines of one category are merged (ORed) by Caddy
  std::string text;      // "path /a* /b", "not", ...
  std::vector<Line> block;
  size_t first_path_len = 0;
};

bool is_always_pred(const ir::Predicate& p) { return p.kind == ir::PredKind::path_prefix && p.value == "/"; }

bool has_letters(const std::string& v) {
  return std::any_of(v.begin(), v.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}

// Caddy's `path` ignores letter case: a case-sensitive path with letters (nginx
// locations, HAProxy path_beg) becomes an anchored path_regexp, which Caddy's front end
// reads back as the same prefix or exact path.
bool needs_regex(const ir::Predicate& p) {
  return p.value.find('*') != std::string::npos || (!p.case_insensitive && has_letters(p.value));
}

std::string category(const ir::Predicate& p) {
  using K = ir::PredKind;
  switch (p.kind) {
    case K::path_exact:
    case K::path_prefix: return needs_regex(p) ? "path_regexp" : "path";
    case K::path_regex: return "path_regexp";
    case K::host: return "host";
    case K::method: return "method";
    case K::client_cidr: return "remote_ip";
    case K::scheme: return "protocol";
    case K::header_present:
    case K::header_exact: return p.case_insensitive && p.kind == K::header_exact ? "header_regexp:" + ir::to_lower(p.name)
                                                                                  : "header:" + ir::to_lower(p.name);
    case K::header_regex: return "header_regexp:" + ir::to_lower(p.name);
    case K::upgrade: return "header:upgrade";
    case K::query:
    case K::query_arg:
    case K::query_arg_present: return "query:" + p.name;
  }
  return "?";
}

bool has_star_edge(const std::string& v) { return !v.empty() && (v.front() == '*' || v.back() == '*'); }

// The words of one value of `p` on its category's line.
std::string value_word(const ir::Predicate& p) {
  using K = ir::PredKind;
  switch (p.kind) {
    case K::path_exact:
      if (needs_regex(p)) return token((p.case_insensitive ? "(?i)^" : "^") + regex_escape(p.value) + "$");
      return token(p.value);
    case K::path_prefix:
      if (needs_regex(p)) return token((p.case_insensitive ? "(?i)^" : "^") + regex_escape(p.value));
      return token(p.value + "*");
    case K::path_regex: return token((p.case_insensitive ? "(?i)" : "") + p.value);
    case K::host:
    case K::method:
    case K::client_cidr:
    case K::scheme: return token(p.value);
    case K::header_present: return "*";
    case K::header_exact:
      if (p.case_insensitive || has_star_edge(p.value)) return token("(?i)^" + regex_escape(p.value) + "$");
      return token(p.value);
    case K::header_regex: return token((p.case_insensitive ? "(?i)" : "") + p.value);
    case K::upgrade: return token(p.value);
    case K::query: {  // the whole query: its arguments, each with its value
      std::string out;
      size_t start = 0;
      while (start <= p.value.size()) {
        size_t amp = p.value.find('&', start);
        std::string arg = p.value.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        if (!arg.empty()) out += (out.empty() ? "" : " ") + token(arg.find('=') == std::string::npos ? arg + "=" : arg);
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
      return out.empty() ? token("=") : out;
    }
    case K::query_arg: return token(p.name + "=" + p.value);
    case K::query_arg_present: return token(p.name + "=*");
  }
  return "";
}

std::string head(const ir::Predicate& p, const std::string& cat, const std::string& name) {
  using K = ir::PredKind;
  if (cat == "path") return "path";
  if (cat == "path_regexp") return "path_regexp " + name;
  if (cat.rfind("header_regexp:", 0) == 0) return "header_regexp " + name + " " + token(p.kind == K::upgrade ? "Upgrade" : p.name);
  if (cat.rfind("header:", 0) == 0) return "header " + token(p.kind == K::upgrade ? "Upgrade" : p.name);
  if (cat.rfind("query:", 0) == 0) return "query";
  return cat;
}

struct Builder {
  EmitContext& cx;
  const SourceLoc& loc;
  const std::string& name;
  bool uses_regex = false;
  bool ok = true;

  // `m` as lines ANDed together.
  std::vector<Line> lines(const ir::Matcher& m) {
    switch (m.op) {
      case ir::MatchOp::all: {
        std::vector<Line> out;
        for (const auto& c : m.children)
          for (auto& l : lines(c)) out.push_back(std::move(l));
        return out;
      }
      case ir::MatchOp::predicate:
        if (!m.predicate || is_always_pred(*m.predicate)) return {};
        return {one_line({*m.predicate})};
      case ir::MatchOp::any: {
        std::vector<ir::Predicate> preds;
        for (const auto& c : m.children) {
          if (c.op != ir::MatchOp::predicate || !c.predicate ||
              (!preds.empty() && category(*c.predicate) != category(preds.front()))) {
            ok = false;
            cx.cannot(loc, "an OR of different kinds of conditions in one matcher",
                      "only the conditions of the first kind are kept");
            return preds.empty() ? std::vector<Line>{} : std::vector<Line>{one_line(preds)};
          }
          if (is_always_pred(*c.predicate)) return {};
          preds.push_back(*c.predicate);
        }
        if (preds.empty()) {  // any of none: never
          return {Line{"never", "not path *", {}, 0}};
        }
        return {one_line(preds)};
      }
      case ir::MatchOp::not_: {
        if (m.children.empty()) return {};
        const ir::Matcher& c = m.children.front();
        if (c.op == ir::MatchOp::any && !(c.children.size() > 0 && same_category(c))) {
          // not (a or b) = not a and not b
          std::vector<Line> out;
          for (const auto& k : c.children)
            for (auto& l : lines(ir::Matcher{ir::MatchOp::not_, std::nullopt, {k}})) out.push_back(std::move(l));
          return out;
        }
        std::vector<Line> inner = lines(c);
        if (inner.empty()) return {Line{"never", "not path *", {}, 0}};  // not always: never
        if (inner.size() == 1 && inner.front().block.empty()) {
          // A regex that must not match captures nothing: unnamed, the same exclusion
          // (nginx's ^~ prefixes before every regex location) is the same line in every
          // handle, and one snippet (write_matcher).
          std::string text = inner.front().text;
          std::string named = "path_regexp " + name + " ";
          if (inner.front().category == "path_regexp" && text.rfind(named, 0) == 0)
            text = "path_regexp " + text.substr(named.size());
          return {Line{"not", "not " + text, {}, 0}};
        }
        return {Line{"not", "not", std::move(inner), 0}};
      }
    }
    return {};
  }

  static bool same_category(const ir::Matcher& any) {
    std::string first;
    for (const auto& c : any.children) {
      if (c.op != ir::MatchOp::predicate || !c.predicate) return false;
      std::string cat = category(*c.predicate);
      if (first.empty()) first = cat;
      else if (cat != first) return false;
    }
    return true;
  }

  Line one_line(const std::vector<ir::Predicate>& preds) {
    std::string cat = category(preds.front());
    if (preds.front().kind == ir::PredKind::query)
      cx.cannot(loc, fmt::format("a test of the whole query string ({})", preds.front().value),
                "the query matcher tests its arguments, whatever else the query has");
    if (cat == "path_regexp" || cat.rfind("header_regexp:", 0) == 0) uses_regex = true;
    if ((cat == "path_regexp" || cat.rfind("header_regexp:", 0) == 0) && preds.size() > 1) {
      // One path_regexp per set: the alternatives joined into one pattern.
      std::string joined;
      for (const auto& p : preds) {
        std::string w = value_word(p);
        if (w.size() >= 2 && w.front() == '"') w = w.substr(1, w.size() - 2);
        joined += (joined.empty() ? "" : "|") + ("(?:" + w + ")");
      }
      return Line{cat, head(preds.front(), cat, name) + " " + token(joined), {}, 0};
    }
    std::string text = head(preds.front(), cat, name);
    for (const auto& p : preds) text += " " + value_word(p);
    size_t first_len = 0;
    if (cat == "path") {
      std::string w = value_word(preds.front());
      first_len = w.size();
    }
    return Line{cat, text, {}, first_len};
  }
};

void write_lines(Writer& w, const std::vector<Line>& lines) {
  for (const auto& l : lines) {
    if (l.block.empty()) {
      w.line(l.text);
      continue;
    }
    w.open(l.text);
    write_lines(w, l.block);
    w.close();
  }
}

}  // namespace

bool matches_all(const ir::Matcher& m) {
  if (m.op == ir::MatchOp::all) {
    for (const auto& c : m.children)
      if (!matches_all(c)) return false;
    return true;
  }
  return m.op == ir::MatchOp::predicate && m.predicate && is_always_pred(*m.predicate);
}

std::vector<ir::Matcher> alternatives(const ir::Matcher& m) {
  constexpr size_t kMax = 8;
  if (m.op == ir::MatchOp::any && !m.children.empty() && !Builder::same_category(m)) {
    std::vector<ir::Matcher> out;
    for (const auto& c : m.children)
      for (auto& a : alternatives(c)) out.push_back(std::move(a));
    if (out.size() > kMax) return {m};
    return out;
  }
  if (m.op == ir::MatchOp::all) {
    std::vector<ir::Matcher> acc{ir::Matcher{}};
    for (const auto& c : m.children) {
      auto alts = alternatives(c);
      std::vector<ir::Matcher> next;
      for (const auto& a : acc)
        for (const auto& b : alts) {
          ir::Matcher x = a;
          if (b.op == ir::MatchOp::all) for (const auto& k : b.children) x.children.push_back(k);
          else x.children.push_back(b);
          next.push_back(std::move(x));
        }
      if (next.size() > kMax) return {m};
      acc = std::move(next);
    }
    for (auto& a : acc)
      if (a.children.size() == 1) a = ir::Matcher(a.children.front());
    return acc;
  }
  return {m};
}

WrittenMatcher write_matcher(EmitContext& cx, Writer& w, const ir::Matcher& m, const std::string& base,
                             const SourceLoc& loc, bool allow_path_token) {
  WrittenMatcher out;
  if (matches_all(m)) return out;
  std::string name = cx.matcher_name(base);
  Builder b{cx, loc, name};
  std::vector<Line> lines = b.lines(m);
  if (lines.empty()) {
    cx.matcher_names.erase(name);
    return out;
  }
  // Caddy merges the lines of one category (ORs their values): keep ANDed conditions
  // apart behind a double negation.
  std::set<std::string> seen;
  for (auto& l : lines) {
    if (l.category == "not" || l.category == "never") continue;
    if (!seen.insert(l.category).second) {
      Line inner{"not", "not " + l.text, {}, 0};
      l = Line{"not", "not", {inner}, 0};
    }
  }
  for (const auto& l : lines)
    if (l.category == "path") {
      out.first_path_len = l.first_path_len;
      break;
    }
  if (allow_path_token && lines.size() == 1 && lines.front().category == "path" &&
      lines.front().text.find(' ', 5) == std::string::npos && lines.front().text.size() > 5 &&
      lines.front().text[5] == '/') {
    cx.matcher_names.erase(name);
    out.token = lines.front().text.substr(5);
    out.first_path_len = out.token.size();
    return out;
  }
  if (lines.size() == 1 && lines.front().block.empty()) {
    w.line("@" + name + " " + lines.front().text);
  } else {
    w.open("@" + name);
    for (const auto& l : lines) {
      // A long exclusion many handles repeat: a snippet when they do.
      if (l.category == "not" && l.block.empty() && l.text.size() > Snippets::kLongLine)
        w.line(cx.snippets.use("excluded_paths", {l.text}));
      else write_lines(w, {l});
    }
    w.close();
  }
  out.token = "@" + name;
  if (b.uses_regex) out.regex_name = name;
  return out;
}

}  // namespace pg::caddy
