// The answers HAProxy gives itself: http-request return for fixed responses,
// http-request redirect, http-request deny for access rules.
#include <fmt/format.h>

#include "emit/emit_text.h"
#include "haproxy/emit_internal.h"
#include "ir/matchers.h"

namespace pg::haproxy::emitter {

namespace {

// The path_regex predicates a request matching `m` has surely matched (`m` itself, or
// one of the conditions of an `all`).
void path_regexes(const ir::Matcher& m, std::vector<const ir::Predicate*>& out) {
  if (m.op == ir::MatchOp::predicate && m.predicate && m.predicate->kind == ir::PredKind::path_regex)
    out.push_back(&*m.predicate);
  if (m.op == ir::MatchOp::all)
    for (const auto& c : m.children) path_regexes(c, out);
}

bool ends_anchored(const std::string& re) {
  if (re.empty() || re.back() != '$') return false;
  size_t slashes = 0;
  for (size_t i = re.size() - 1; i-- > 0 && re[i] == '\\';) ++slashes;
  return slashes % 2 == 0;
}

// `re` made to match the whole path, its groups unchanged.
std::string whole_path_regex(std::string re) {
  if (re.empty() || re[0] != '^') re = "^.*?(?:" + re + ")";
  if (!ends_anchored(re)) re += ".*$";
  return re;
}

// Regex captures of the route's path regex (a Caddy path_regexp matcher's {re.name.1})
// as the path with that regex substituted by the group: %[path,regsub(RE,"\N")].
// False (with `why`) when the route has not exactly one such regex or a group is unknown.
bool captures_from_path(ir::Template& t, const ir::Matcher& match, std::string& why) {
  bool any = false;
  for (const auto& p : t.parts) any = any || p.var == ir::Var::regex_capture;
  if (!any) return true;
  std::vector<const ir::Predicate*> regexes;
  path_regexes(match, regexes);
  if (regexes.size() != 1) {
    why = regexes.empty() ? "regex captures without a path regex" : "regex captures of several path regexes";
    return false;
  }
  const ir::Predicate& re = *regexes.front();
  for (auto& p : t.parts) {
    if (p.var != ir::Var::regex_capture) continue;
    int n = capture_index(re.value, p.value);
    if (n < 0 || n > 9) {
      why = "the capture " + p.value;
      return false;
    }
    std::vector<std::string> args{whole_path_regex(re.value), "\\" + std::to_string(n)};
    if (re.case_insensitive) args.push_back("i");
    p = ir::TemplatePart{ir::Var::path, "", {ir::Converter{"regsub", std::move(args)}}};
  }
  return true;
}

}  // namespace

std::optional<ir::Route> capture_prefix_redirect(const ir::Route& r) {
  if (r.action.kind != ir::ActionKind::redirect || !r.action.redirect || !r.rewrites.empty() ||
      r.match.op != ir::MatchOp::predicate || !r.match.predicate ||
      r.match.predicate->kind != ir::PredKind::path_regex || r.match.predicate->case_insensitive)
    return std::nullopt;
  std::string v = r.match.predicate->value;
  if (v.size() > 1 && v.back() == '$') v.pop_back();
  if (v.size() < 5 || v.compare(v.size() - 4, 4, "(.*)") != 0 || v[0] != '^') return std::nullopt;
  std::string lit;
  for (size_t i = 1; i + 4 < v.size(); ++i) {
    char ch = v[i];
    if (ch == '\\' && i + 5 < v.size() && !std::isalnum(static_cast<unsigned char>(v[i + 1]))) lit += v[++i];
    else if (std::string_view(".^$|?*+()[]{}\\").find(ch) != std::string_view::npos) return std::nullopt;
    else lit += ch;
  }
  if (lit.empty() || lit[0] != '/') return std::nullopt;
  bool uses = false;
  for (const auto& p : r.action.redirect->location.parts) {
    if (p.var != ir::Var::regex_capture) continue;
    if (p.value != "1" || !p.converters.empty()) return std::nullopt;
    uses = true;
  }
  if (!uses) return std::nullopt;
  std::string escaped;  // as the comparer writes it: '/' stays
  for (char ch : lit) {
    if (std::string_view(".^$|?*+()[]{}\\").find(ch) != std::string_view::npos) escaped += '\\';
    escaped += ch;
  }
  ir::Route out = r;
  out.match.predicate = ir::Predicate{ir::PredKind::path_prefix, "", lit, false};
  for (auto& p : out.action.redirect->location.parts)
    if (p.var == ir::Var::regex_capture)
      p = ir::TemplatePart{ir::Var::path, "", {ir::Converter{"regsub", {"^" + escaped, ""}}}};
  return out;
}

std::string Emitter::terminal_rule(const ir::Route& route, const FormatEnv& env) {
  const ir::Action& a = route.action;
  switch (a.kind) {
    case ir::ActionKind::respond: {
      const ir::RespondAction& r = *a.respond;
      int status = r.status;
      if (status < 200 || status > 599) {
        warn(route.loc, fmt::format("haproxy cannot answer with status {}; it answers 500", status));
        status = 500;
      }
      // HAProxy's deny is its 403 with its own page.
      if (status == 403 && !r.body) return "http-request deny";
      std::string rule = fmt::format("http-request return status {}", status);
      // HAProxy refuses an empty `string`: an empty body is no body.
      if (r.body && !r.body->parts.empty()) {
        std::string type = route.default_type;
        for (const auto& op : route.response_headers) {
          std::string n = op.name;
          for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (n == "content-type" && op.op == ir::HeaderOpKind::set)
            if (auto t = literal_text(op.value)) type = *t;
        }
        if (type.empty()) type = "text/plain";
        rule += " content-type " + word(type);
        if (auto lit = literal_text(*r.body)) {
          rule += " string " + word(*lit);
        } else {
          std::string why;
          auto lf = log_format(*r.body, env, why);
          if (!lf) {
            // Keep what can be written; the rest is left out of the body.
            warn(route.loc, fmt::format("haproxy cannot write part of the response body ({}); that part is left out", why));
            std::string kept, ignored;
            for (const auto& p : r.body->parts)
              if (auto one = log_format(ir::Template{{p}}, env, ignored)) kept += *one;
            lf = kept;
          }
          if (!lf->empty()) rule += " lf-string " + word(*lf);
        }
      }
      return rule;
    }
    case ir::ActionKind::redirect: {
      const ir::RedirectAction& r = *a.redirect;
      int code = r.status;
      if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
        warn(route.loc, fmt::format("haproxy redirects with 301, 302, 303, 307 or 308 only; {} becomes 302", code));
        code = 302;
      }
      std::string why;
      ir::Template location = r.location;
      if (!captures_from_path(location, route.match, why)) {
        warn(route.loc, fmt::format("haproxy cannot write the redirect target ({}); it redirects to /", why));
        return fmt::format("http-request redirect location / code {}", code);
      }
      auto lf = log_format(location, env, why);
      if (!lf) {
        warn(route.loc, fmt::format("haproxy cannot write the redirect target ({}); it redirects to /", why));
        lf = "/";
      }
      return fmt::format("http-request redirect location {} code {}", word(*lf), code);
    }
    case ir::ActionKind::static_files:
      warn(route.loc, "haproxy cannot serve files; it answers 404 as proxyglot does");
      return "http-request return status 404";
    case ir::ActionKind::proxy:
      warn(route.loc, "haproxy cannot choose its backend per request from a variable (dynamic proxy target); it "
                      "answers 502");
      return "http-request return status 502";
  }
  return "http-request return status 500";
}

std::optional<Dnf> Emitter::denied(const ir::Route& route, AclSet& acls) {
  if (route.access.empty()) return Dnf{};
  // Denied: a deny rule matches before any allow rule does.
  std::vector<ir::Matcher> earlier_allows, denies;
  for (const auto& rule : route.access) {
    ir::Matcher m = rule.cidr == "all" ? ir::always() : ir::pred(ir::PredKind::client_cidr, rule.cidr);
    if (rule.allow) {
      earlier_allows.push_back(m);
      if (rule.cidr == "all") break;
    } else {
      std::vector<ir::Matcher> both{m};
      if (!earlier_allows.empty()) both.push_back(ir::negate(ir::any_of(earlier_allows)));
      denies.push_back(ir::all_of(std::move(both)));
      if (rule.cidr == "all") break;
    }
  }
  if (denies.empty()) return Dnf{};
  auto d = to_dnf(ir::any_of(std::move(denies)), acls);
  if (!d) warn(route.access.front().loc, "haproxy cannot express these access rules compactly; they are left out");
  return d;
}

}  // namespace pg::haproxy::emitter

namespace pg::haproxy::emitter {

std::optional<std::string> Emitter::rewrite_target(const ir::RewriteStep& st, const FormatEnv& env, bool path_only,
                                                   std::string& why) {
  bool captures = false;
  for (const auto& p : st.replacement.parts) captures = captures || p.var == ir::Var::regex_capture;
  ir::Template repl = st.replacement;
  if (path_only) {
    // replace-path sets the path only: a query in the replacement cannot follow.
    for (size_t i = 0; i < repl.parts.size(); ++i) {
      auto& p = repl.parts[i];
      if (p.var != ir::Var::literal) continue;
      if (auto q = p.value.find('?'); q != std::string::npos) {
        p.value.resize(q);
        repl.parts.resize(i + 1);
        warn(st.loc, "haproxy's replace-path cannot set the query string; the rewritten query is lost");
        break;
      }
    }
    FormatEnv renv = env;
    renv.captures_as_backrefs = true;
    renv.regex = st.regex;
    return log_format(repl, renv, why);
  }
  std::string out;
  if (captures) {
    // The captures come from the path: regsub on the whole path gives the target.
    std::string sub;
    for (const auto& p : repl.parts) {
      if (p.var == ir::Var::literal) {
        sub += p.value;
      } else if (p.var == ir::Var::regex_capture) {
        int n = capture_index(st.regex, p.value);
        if (n < 0 || n > 9) {
          why = "the capture " + p.value;
          return std::nullopt;
        }
        sub += "\\" + std::to_string(n);
      } else {
        why = "regex captures mixed with variables";
        return std::nullopt;
      }
    }
    std::string re = whole_path_regex(st.regex);
    ir::TemplatePart part{ir::Var::path, "", {ir::Converter{"regsub", {re, sub}}}};
    auto e = sample_expr(part, why);
    if (!e) return std::nullopt;
    out = "%[" + *e + "]";
  } else {
    auto lf = log_format(repl, env, why);
    if (!lf) return std::nullopt;
    out = *lf;
  }
  bool has_query = false;
  for (const auto& p : repl.parts)
    has_query = has_query || (p.var == ir::Var::literal && p.value.find('?') != std::string::npos);
  if (st.append_query && !has_query && st.kind == ir::RewriteKind::rewrite) out += "%HQ";
  return out;
}

std::string Emitter::rewrite_answer(const ir::RewriteStep& st, const ir::Route& route, const FormatEnv& env) {
  if (st.kind == ir::RewriteKind::respond) {
    ir::Route r = route;
    r.action = ir::Action{};
    r.action.kind = ir::ActionKind::respond;
    r.action.respond = ir::RespondAction{st.status, st.has_body ? std::optional(st.replacement) : std::nullopt};
    return terminal_rule(r, env);
  }
  std::string why;
  auto target = rewrite_target(st, env, false, why);
  if (!target) {
    warn(st.loc, fmt::format("haproxy cannot write this redirect target ({}); the redirect is left out", why));
    return "";
  }
  int code = st.status ? st.status : 302;
  if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) code = 302;
  return fmt::format("http-request redirect location {} code {}", word(*target), code);
}

std::optional<Dnf> Emitter::step_condition(const ir::RewriteStep& st, AclSet& acls) {
  if (st.regex.empty() || st.regex == "^") return Dnf{Term{}};
  ir::Matcher m;
  m.op = ir::MatchOp::predicate;
  m.predicate = ir::Predicate{ir::PredKind::path_regex, "", st.regex, false};
  return to_dnf(m, acls);
}

}  // namespace pg::haproxy::emitter
