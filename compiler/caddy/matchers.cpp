#include "caddy/matchers.h"

#include <algorithm>

#include <fmt/format.h>

#include "caddy/values.h"
#include "ir/matchers.h"

namespace pg::caddy {

namespace {

using ir::all_of;
using ir::any_of;
using ir::pred;

// `*` inside a path pattern is Go's path.Match star: no '/' crossed.
std::string glob_regex(const std::string& p) {
  std::string out = "^";
  size_t start = 0;
  bool leading = !p.empty() && p.front() == '*';
  bool trailing = p.size() > 1 && p.back() == '*';
  std::string body = p.substr(leading ? 1 : 0, p.size() - (leading ? 1 : 0) - (trailing ? 1 : 0));
  if (leading) out = "";
  for (size_t i = 0; i <= body.size(); ++i) {
    if (i == body.size() || body[i] == '*') {
      out += regex_escape(body.substr(start, i - start));
      if (i < body.size()) out += "[^/]*";
      start = i + 1;
    }
  }
  if (!trailing) out += "$";
  return out;
}

// Matcher values that test the header value: `*` wildcards at either end.
// A path_regexp that is an anchored literal ("^/v2/", "^/v2$", "(?i)^/a") tests what a
// path prefix or exact path does: read it as that (case-sensitive unless (?i)), else
// as a regex.
ir::Matcher literal_path_regex(const std::string& re) {
  std::string_view v = re;
  bool ci = false;
  if (v.substr(0, 4) == "(?i)") {
    ci = true;
    v.remove_prefix(4);
  }
  if (v.empty() || v.front() != '^') return pred(ir::PredKind::path_regex, re);
  v.remove_prefix(1);
  bool exact = false;
  if (!v.empty() && v.back() == '$' && (v.size() < 2 || v[v.size() - 2] != '\\')) {
    exact = true;
    v.remove_suffix(1);
  }
  std::string lit;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '\\') {
      if (i + 1 >= v.size() || std::isalnum(static_cast<unsigned char>(v[i + 1]))) return pred(ir::PredKind::path_regex, re);
      lit += v[++i];
    } else if (std::string_view("^$.|?*+()[]{}").find(c) != std::string_view::npos) {
      return pred(ir::PredKind::path_regex, re);
    } else {
      lit += c;
    }
  }
  if (lit.empty() || lit.front() != '/') return pred(ir::PredKind::path_regex, re);
  return pred(exact ? ir::PredKind::path_exact : ir::PredKind::path_prefix, lit, "", ci);
}

ir::Matcher header_value(const std::string& field, const std::string& v) {
  if (v == "*") return pred(ir::PredKind::header_present, "", field);
  bool lead = !v.empty() && v.front() == '*', trail = v.size() > 1 && v.back() == '*';
  if (!lead && !trail) return pred(ir::PredKind::header_exact, v, field);
  std::string core = v.substr(lead ? 1 : 0, v.size() - (lead ? 1 : 0) - (trail ? 1 : 0));
  return pred(ir::PredKind::header_regex, (lead ? "" : "^") + regex_escape(core) + (trail ? "" : "$"), field);
}

constexpr const char* kErrorStatus = "\x01error status";

// A CEL expression on the error's status as handle_errors matchers write it:
// `{err.status_code} OP N` (OP one of == != < <= > >=) or `{err.status_code} in [N, ...]`
// ({http.error.status_code} the same). The statuses 100-999 it holds for.
std::optional<std::vector<int>> error_status_expression(std::string text) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return v;
  };
  std::string_view rest = trim(text);
  bool found = false;
  for (std::string_view p : {std::string_view("{err.status_code}"), std::string_view("{http.error.status_code}")})
    if (rest.substr(0, p.size()) == p) {
      rest = trim(rest.substr(p.size()));
      found = true;
      break;
    }
  if (!found) return std::nullopt;
  auto number = [](std::string_view v) -> std::optional<int> {
    auto n = parse_int(v);
    if (!n || v.size() != 3) return std::nullopt;
    return n;
  };
  std::vector<int> out;
  if (rest.substr(0, 2) == "in" && rest.size() > 2 && (std::isspace(static_cast<unsigned char>(rest[2])) || rest[2] == '[')) {
    rest = trim(rest.substr(2));
    if (rest.size() < 2 || rest.front() != '[' || rest.back() != ']') return std::nullopt;
    rest = rest.substr(1, rest.size() - 2);
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      auto n = number(trim(rest.substr(0, comma)));
      if (!n) return std::nullopt;
      out.push_back(*n);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  std::string_view op;
  for (std::string_view o : {"==", "!=", "<=", ">=", "<", ">"})
    if (rest.substr(0, o.size()) == o) {
      op = o;
      break;
    }
  if (op.empty()) return std::nullopt;
  auto n = number(trim(rest.substr(op.size())));
  if (!n) return std::nullopt;
  for (int c = 100; c <= 999; ++c) {
    bool holds = op == "==" ? c == *n : op == "!=" ? c != *n : op == "<=" ? c <= *n : op == ">=" ? c >= *n
                                                                              : op == "<"  ? c < *n
                                                                                           : c > *n;
    if (holds) out.push_back(c);
  }
  return out;
}

// `header Field` without a value (later Caddy versions): the field is present.
constexpr const char* kPresent = "\x01present";

struct SetBuilder {
  explicit SetBuilder(Lowerer& lowerer) : l(lowerer) {}

  Lowerer& l;
  // A set holds one matcher of each type (Caddy's MatcherSet is a map by type): the
  // types are ANDed, the values of one type ORed.
  std::vector<ir::Matcher> paths, path_regexps, hosts, methods, cidrs, schemes, others;
  // header: field -> values (ORed), nullopt for `!field`; fields ANDed, in written
  // order. A later line for the same field adds values (or `!` replaces them), as
  // Caddy's MatchHeader map does.
  std::vector<std::pair<std::string, std::optional<std::vector<std::string>>>> headers;
  std::vector<std::string> header_regexp_fields;
  size_t first_path_len = 0;
  bool any_path = false;

  // One matcher line: `type args...` (or `not ...`). False when it failed.
  bool add(const Node& n, size_t first_word);
  std::optional<ir::Matcher> finish() {
    std::vector<ir::Matcher> all;
    for (auto* v : {&paths, &path_regexps, &hosts, &methods, &cidrs, &schemes})
      if (!v->empty()) all.push_back(any_of(std::move(*v)));
    for (auto& [field, values] : headers) {
      if (!values) {
        ir::Matcher neg;
        neg.op = ir::MatchOp::not_;
        neg.children.push_back(pred(ir::PredKind::header_present, "", field));
        all.push_back(std::move(neg));
        continue;
      }
      if (values->size() == 1 && values->front() == kPresent) {
        all.push_back(pred(ir::PredKind::header_present, "", field));
        continue;
      }
      std::vector<ir::Matcher> alternatives;
      for (const auto& v : *values) alternatives.push_back(header_value(field, v == kPresent ? "*" : v));
      all.push_back(any_of(std::move(alternatives)));
    }
    for (auto& o : others) all.push_back(std::move(o));
    if (all.empty()) return std::nullopt;
    return all_of(std::move(all));
  }

  std::optional<std::vector<std::string>>& header_entry(const std::string& field) {
    for (auto& [f, v] : headers)
      if (f == field) return v;
    headers.emplace_back(field, std::vector<std::string>{});
    return headers.back().second;
  }
};

bool SetBuilder::add(const Node& n, size_t first) {
  const std::string& type = n.words[first].value;
  std::vector<std::string> args;
  for (size_t i = first + 1; i < n.words.size(); ++i) args.push_back(n.words[i].value);
  const SourceLoc& at = n.words[first].loc;
  auto bad = [&]() {
    l.error(at, fmt::format("Wrong argument count or unexpected line ending after '{}'", type));
    return false;
  };
  auto need = [&](size_t min) {
    if (args.size() >= min) return true;
    l.error(at, fmt::format("Wrong argument count or unexpected line ending after '{}'", type));
    return false;
  };
  if (type == "not") {
    SetBuilder inner(l);
    bool ok = true;
    if (n.has_block) {
      for (const auto& line : n.block) ok = inner.add(line, 0) && ok;
    } else {
      if (!need(1)) return false;
      ok = inner.add(n, first + 1);
    }
    auto m = inner.finish();
    ir::Matcher neg;
    neg.op = ir::MatchOp::not_;
    neg.children.push_back(m ? std::move(*m) : ir::Matcher{});
    others.push_back(std::move(neg));
    return ok;
  }
  if (n.has_block) {
    l.error(at, fmt::format("matcher '{}' takes no block", type));
    return false;
  }
  if (type == "path") {
    if (!need(1)) return false;
    if (!any_path) first_path_len = args[0].size();
    any_path = true;
    for (const auto& a : args) paths.push_back(path_pattern(a));
  } else if (type == "path_regexp") {
    if (args.empty() || args.size() > 2) return bad();
    if (!path_regexps.empty()) {
      l.error(at, "regular expression can only be used once per named matcher");
      return false;
    }
    path_regexps.push_back(literal_path_regex(args.back()));
  } else if (type == "host") {
    if (!need(1)) return false;
    for (auto h : args) {
      for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (h.find('*') != std::string::npos)
        hosts.push_back(pred(ir::PredKind::header_regex, glob_regex(h), "Host", true));
      else
        hosts.push_back(pred(ir::PredKind::host, h));
    }
  } else if (type == "header") {
    if (!need(1)) return false;
    std::string field = args[0];
    if (field.front() == '!') {
      header_entry(field.substr(1)) = std::nullopt;
      return true;
    }
    auto& values = header_entry(field);
    if (!values) values.emplace();
    if (args.size() == 1) values->push_back(kPresent);
    for (size_t i = 1; i < args.size(); ++i) values->push_back(args[i]);
  } else if (type == "header_regexp") {
    if (args.size() < 2 || args.size() > 3) return bad();
    const std::string& field = args[args.size() - 2];
    if (std::find(header_regexp_fields.begin(), header_regexp_fields.end(), field) != header_regexp_fields.end()) {
      l.error(at, fmt::format("header_regexp matcher can only be used once per named matcher, per header field: {}", field));
      return false;
    }
    header_regexp_fields.push_back(field);
    others.push_back(pred(ir::PredKind::header_regex, args.back(), field));
  } else if (type == "method") {
    if (!need(1)) return false;
    for (auto m : args) {
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      methods.push_back(pred(ir::PredKind::method, m));
    }
  } else if (type == "query") {
    if (!need(1)) return false;
    std::vector<ir::Matcher> qs;
    for (const auto& q : args) {
      size_t eq = q.find('=');
      if (eq == std::string::npos) {
        l.error(at, fmt::format("malformed query matcher token: {}; must be in param=val format", q));
        return false;
      }
      std::string value = q.substr(eq + 1);
      // "key=*": the argument is there, with any value.
      qs.push_back(value == "*" ? pred(ir::PredKind::query_arg_present, "", q.substr(0, eq))
                                : pred(ir::PredKind::query_arg, value, q.substr(0, eq)));
    }
    others.push_back(all_of(std::move(qs)));
  } else if (type == "remote_ip") {
    if (!need(1)) return false;
    for (const auto& a : args) {
      if (a == "forwarded") {
        l.error(at, "remote_ip forwarded is not supported by proxyglot yet");
        return false;
      }
      cidrs.push_back(pred(ir::PredKind::client_cidr, a));
    }
  } else if (type == "protocol") {
    if (args.size() != 1) return bad();
    if (args[0] != "http" && args[0] != "https") {
      l.error(n.words[first + 1].loc, fmt::format("protocol {} is not supported by proxyglot yet", args[0]));
      return false;
    }
    schemes.push_back(pred(ir::PredKind::scheme, args[0]));
  } else if (type == "expression" && l.in_error_routes) {
    std::string text;
    for (const auto& a : args) text += (text.empty() ? "" : " ") + a;
    auto codes = error_status_expression(text);
    if (!codes) {
      l.error(at, fmt::format("expression '{}' is not supported by proxyglot yet (in handle_errors: "
                              "{{err.status_code}} compared with a number, or `in [...]`)", text));
      return false;
    }
    others.push_back(error_status_matcher(*codes));
  } else if (type == "expression" || type == "file" || type == "vars" || type == "vars_regexp" ||
             type == "client_ip") {
    l.error(at, fmt::format("matcher '{}' is not supported by proxyglot yet", type));
    return false;
  } else {
    l.error(at, fmt::format("unrecognized matcher name: {}", type));
    return false;
  }
  return true;
}

}  // namespace

ir::Matcher error_status_matcher(const std::vector<int>& codes) {
  std::string list;
  for (int c : codes) list += (list.empty() ? "" : ",") + std::to_string(c);
  return pred(ir::PredKind::header_exact, list, kErrorStatus);
}

std::optional<std::vector<int>> error_status_codes(const ir::Predicate& p) {
  if (p.name != kErrorStatus) return std::nullopt;
  std::vector<int> out;
  size_t start = 0;
  while (start < p.value.size()) {
    size_t comma = p.value.find(',', start);
    if (comma == std::string::npos) comma = p.value.size();
    if (auto n = parse_int(std::string_view(p.value).substr(start, comma - start))) out.push_back(*n);
    start = comma + 1;
  }
  return out;
}

bool is_matcher_token(const Word& w) {
  if (w.quoted || w.value.empty()) return false;
  return w.value == "*" || w.value.front() == '/' || w.value.front() == '@';
}

ir::Matcher path_pattern(const std::string& p) {
  if (p == "*") return ir::Matcher{};  // all of none: every request
  size_t stars = std::count(p.begin(), p.end(), '*');
  if (stars == 0) return pred(ir::PredKind::path_exact, p, "", true);
  if (stars == 1 && p.back() == '*') return pred(ir::PredKind::path_prefix, p.substr(0, p.size() - 1), "", true);
  return pred(ir::PredKind::path_regex, glob_regex(p), "", true);
}

void define_named_matcher(Lowerer& l, const Node& n) {
  const std::string name = n.name().substr(1);
  SetBuilder b(l);
  bool ok = true;
  if (n.has_block) {
    if (n.words.size() > 1) l.error(n.words[1].loc, fmt::format("Unexpected token '{}'", n.words[1].value));
    for (const auto& line : n.block)
      if (!line.words.empty()) ok = b.add(line, 0) && ok;
  } else if (n.words.size() < 2) {
    l.error(n.loc, fmt::format("matcher @{} has no conditions", name));
    ok = false;
  } else {
    ok = b.add(n, 1);
  }
  auto& scope = l.matcher_scopes.back();
  if (scope.count(name)) {
    l.error(n.loc, fmt::format("matcher is defined more than once: @{}", name));
    return;
  }
  NamedMatcher nm;
  nm.loc = n.loc;
  nm.match = b.finish();
  nm.first_path_len = b.first_path_len;
  if (!nm.match) nm.match = ir::Matcher{};  // a defined matcher is a matcher set, even if empty
  (void)ok;  // a failed definition was reported; keep it so uses are not reported again
  scope[name] = std::move(nm);
}

Call make_call(Lowerer& l, const Node& n, bool may_have_matcher) {
  Call c{n, {}, std::nullopt, false, 0, ""};
  size_t first = 1;
  if (may_have_matcher && n.words.size() > 1 && is_matcher_token(n.words[1])) {
    const Word& m = n.words[1];
    c.matcher_text = m.value;
    first = 2;
    if (m.value.front() == '@') {
      if (const NamedMatcher* nm = l.find_matcher(m.value.substr(1))) {
        c.match = nm->match;
        c.has_matcher = true;
        c.first_path_len = nm->first_path_len;
      } else {
        l.error(m.loc, fmt::format("unrecognized matcher name: {}", m.value));
      }
    } else if (m.value != "*") {
      c.match = path_pattern(m.value);
      c.has_matcher = true;
      c.first_path_len = m.value.size();
    }
  }
  if (first < n.words.size()) c.args.reserve(n.words.size() - first);
  for (size_t i = first; i < n.words.size(); ++i) c.args.push_back(n.words[i]);
  return c;
}

std::optional<ir::Matcher> both(const std::optional<ir::Matcher>& a, const std::optional<ir::Matcher>& b) {
  if (!a) return b;
  if (!b) return a;
  ir::Matcher m;
  m.op = ir::MatchOp::all;
  for (const auto* x : {&*a, &*b}) {
    if (x->op == ir::MatchOp::all) for (const auto& c : x->children) m.children.push_back(c);
    else m.children.push_back(*x);
  }
  return m;
}

namespace {

std::optional<std::string> regex_of(const ir::Matcher& m) {
  switch (m.op) {
    case ir::MatchOp::all:
      if (m.children.empty()) return std::string("^");
      if (m.children.size() == 1) return regex_of(m.children[0]);
      return std::nullopt;
    case ir::MatchOp::any: {
      std::string out;
      for (const auto& c : m.children) {
        auto r = regex_of(c);
        if (!r) return std::nullopt;
        out += (out.empty() ? "" : "|") + ("(?:" + *r + ")");
      }
      return out;
    }
    case ir::MatchOp::not_: return std::nullopt;
    case ir::MatchOp::predicate: break;
  }
  const ir::Predicate& p = *m.predicate;
  std::string ci = p.case_insensitive ? "(?i)" : "";
  switch (p.kind) {
    case ir::PredKind::path_exact: return ci + "^" + regex_escape(p.value) + "$";
    case ir::PredKind::path_prefix: return ci + "^" + regex_escape(p.value);
    case ir::PredKind::path_regex: return ci + p.value;
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> path_regex_of(const std::optional<ir::Matcher>& m) {
  if (!m) return std::string("^");
  return regex_of(*m);
}

}  // namespace pg::caddy
