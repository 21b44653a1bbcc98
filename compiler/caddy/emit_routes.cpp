// A virtual host's routes as handle blocks: one per route (or per alternative of an
// `any` Caddy cannot say in one matcher), in the IR's first-match order. Caddy sorts
// handle blocks (route_order.cpp's sort_items, reused here to check): when that sort
// would change the order, the handles go inside one `route` block, which keeps it.
#include <algorithm>
#include <deque>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "caddy/emit_context.h"
#include "caddy/emit_headers.h"
#include "caddy/emit_matchers.h"
#include "caddy/route_order.h"
#include "caddy/values.h"
#include "emit/emit_text.h"
#include "emit/route_paths.h"
#include "ir/map_dispatch.h"
#include "ir/path_regex_tests.h"

namespace pg::caddy {

namespace {

std::string status_word(int status) {
  if (status == 302) return "";
  if (status == 301) return " permanent";
  return fmt::format(" {}", status);
}

// `redir [matcher] to [code]`: an explicit `*` when `to` would read as a matcher.
std::string redir_line(const std::string& matcher, const std::string& to, int status) {
  std::string m = matcher;
  if (m.empty() && !to.empty() && (to[0] == '/' || to[0] == '@' || to == "*")) m = "*";
  return "redir " + (m.empty() ? "" : m + " ") + token(to) + status_word(status);
}

std::string respond_line(const std::string& matcher, const std::optional<std::string>& body, int status) {
  std::string m = matcher;
  if (!body || body->empty()) return "respond " + (m.empty() ? "" : m + " ") + std::to_string(status);
  if (m.empty() && ((*body)[0] == '/' || (*body)[0] == '@' || *body == "*")) m = "*";
  return "respond " + (m.empty() ? "" : m + " ") + token(*body) + (status == 200 ? "" : fmt::format(" {}", status));
}

bool redirect_status_ok(EmitContext& cx, const SourceLoc& loc, int& status) {
  if (status >= 300 && status <= 308) return true;
  cx.cannot(loc, fmt::format("a redirect with status {}", status), "it is sent with 302");
  status = 302;
  return false;
}

// A rewrite step's regex as a matcher token (writing its definition).
std::string step_matcher(EmitContext& cx, Writer& w, const ir::RewriteStep& s, std::string& regex_name) {
  regex_name.clear();
  if (s.regex.empty() || s.regex == "^") return "*";
  std::string name = cx.matcher_name("rewrite");
  w.line("@" + name + " path_regexp " + name + " " + token(s.regex));
  regex_name = name;
  return "@" + name;
}

std::string rewrite_target(EmitContext& cx, const ir::RewriteStep& s, const std::string& regex_name) {
  std::string to = placeholders(cx, s.replacement, s.loc, regex_name);
  if (!s.append_query && to.find('?') == std::string::npos) to += "?";
  return to;
}

// Steps of a rewrite program in handler order. False when a step answered (what
// follows is unreachable).
bool emit_steps(EmitContext& cx, Writer& w, const std::vector<ir::RewriteStep>& steps) {
  for (const auto& s : steps) {
    std::string regex_name;
    switch (s.kind) {
      case ir::RewriteKind::rewrite: {
        std::string m = step_matcher(cx, w, s, regex_name);
        if (s.flag == ir::RewriteFlag::redirect) {
          int status = s.status ? s.status : 302;
          redirect_status_ok(cx, s.loc, status);
          w.line(redir_line(m, rewrite_target(cx, s, regex_name), status));
        } else {
          w.line("rewrite " + m + " " + token(rewrite_target(cx, s, regex_name)));
        }
        break;
      }
      case ir::RewriteKind::respond: {
        std::optional<std::string> body;
        if (s.has_body) body = placeholders(cx, s.replacement, s.loc);
        w.line(respond_line("", body, s.status));
        return false;
      }
      case ir::RewriteKind::redirect: {
        int status = s.status;
        redirect_status_ok(cx, s.loc, status);
        w.line(redir_line("", placeholders(cx, s.replacement, s.loc), status));
        return false;
      }
    }
  }
  return true;
}

// Access rules (first match wins, denied: 403) as `respond @denied 403` lines. False when
// every client is denied.
bool emit_access(EmitContext& cx, Writer& w, const std::vector<ir::AccessRule>& rules) {
  std::vector<std::string> allowed;
  for (size_t i = 0; i < rules.size();) {
    if (rules[i].allow) {
      if (rules[i].cidr == "all") return true;
      allowed.push_back(rules[i].cidr);
      ++i;
      continue;
    }
    std::vector<std::string> denied;
    bool all = false;
    for (; i < rules.size() && !rules[i].allow; ++i) {
      if (rules[i].cidr == "all") all = true;
      denied.push_back(rules[i].cidr);
    }
    std::vector<std::string> lines;
    if (!all) lines.push_back(fmt::format("remote_ip {}", fmt::join(denied, " ")));
    if (!allowed.empty()) lines.push_back(fmt::format("not remote_ip {}", fmt::join(allowed, " ")));
    if (lines.empty()) {
      w.line("respond 403");
      return false;
    }
    std::string name = cx.matcher_name("denied");
    if (lines.size() == 1) {
      w.line("@" + name + " " + lines[0]);
    } else {
      w.open("@" + name);
      for (const auto& l : lines) w.line(l);
      w.close();
    }
    w.line("respond @" + name + " 403");
    if (all && allowed.empty()) return false;
  }
  return true;
}

std::string route_label(const ir::Route& r) {
  std::string c = "# " + emit::source_comment(r.loc);
  if (!r.name.empty()) c += " (" + r.name + ")";
  return c;
}

// The literal text of an anchored regex "^literal" (escapes undone), or nullopt.
std::optional<std::string> anchored_literal(const std::string& re) {
  auto lit = ir::anchored_literal(re);
  if (!lit || lit->whole) return std::nullopt;
  return std::move(lit->text);
}

// A path converted by regsub(^PREFIX, REPLACEMENT) (HAProxy's redirect
// location /new/%[path,regsub(^/old/,)]) as a path_regexp capture: `@m path_regexp m
// ^PREFIX(.*)$` and REPLACEMENT{re.m.1}. Only where the route's matcher makes the regex
// match (a path prefix starting with PREFIX) and the replacement has no backreference.
std::optional<ir::Template> regsub_capture(EmitContext& cx, Writer& w, const ir::Template& t, const ir::Matcher& m,
                                           std::string& regex_name) {
  size_t at = t.parts.size();
  for (size_t i = 0; i < t.parts.size(); ++i)
    if (!t.parts[i].converters.empty()) {
      if (at != t.parts.size()) return std::nullopt;
      at = i;
    }
  if (at == t.parts.size()) return std::nullopt;
  const ir::TemplatePart& part = t.parts[at];
  if (part.var != ir::Var::path || part.converters.size() != 1) return std::nullopt;
  const ir::Converter& cv = part.converters[0];
  if (cv.name != "regsub" || cv.args.size() < 2 || cv.args.size() > 3) return std::nullopt;
  if (cv.args.size() == 3 && cv.args[2].find_first_not_of("g") != std::string::npos) return std::nullopt;
  const std::string& re = cv.args[0];
  const std::string& repl = cv.args[1];
  if (repl.find('\\') != std::string::npos || repl.find('$') != std::string::npos) return std::nullopt;
  auto lit = anchored_literal(re);
  if (!lit || m.op != ir::MatchOp::predicate || !m.predicate || m.predicate->case_insensitive ||
      m.predicate->kind != ir::PredKind::path_prefix || m.predicate->value.rfind(*lit, 0) != 0)
    return std::nullopt;
  std::string base = *lit;
  std::string name = cx.matcher_name(base.empty() ? "regsub" : base);
  w.line("@" + name + " path_regexp " + name + " " + token(re + "(.*)$"));
  regex_name = name;
  ir::Template out;
  for (size_t i = 0; i < t.parts.size(); ++i) {
    if (i != at) {
      out.parts.push_back(t.parts[i]);
      continue;
    }
    if (!repl.empty()) out.parts.push_back({ir::Var::literal, repl});
    out.parts.push_back({ir::Var::regex_capture, "1"});
  }
  return out;
}

// One handle block. `m` is the route's matcher (or one alternative of it).
struct Handle {
  std::string text;
  bool has_matcher = false;
  size_t first_path_len = 0;
};

// `site_body_limit`: the site's own request_body already says the route's limit.
Handle emit_handle(EmitContext& cx, int depth, const ir::Route& r, const ir::Matcher& m, const std::string& base,
                   const std::vector<ir::HeaderOp>& strip_response, bool site_body_limit) {
  Writer w(depth);
  Handle h;
  w.line(route_label(r));
  const ir::ProxyAction* proxy = r.action.kind == ir::ActionKind::proxy && r.action.proxy ? &*r.action.proxy : nullptr;

  // handle_path when the route strips its own prefix and nothing rewrites before.
  bool use_handle_path = false;
  std::string rest_prefix;  // handle_path: what to put before the stripped path
  if (proxy && proxy->uri_mode == ir::UriMode::replace_prefix && r.rewrites.empty() && m.op == ir::MatchOp::predicate &&
      m.predicate && m.predicate->kind == ir::PredKind::path_prefix && m.predicate->value == proxy->prefix &&
      proxy->prefix.size() > 1 && proxy->prefix.back() == '/' && proxy->prefix.find('*') == std::string::npos &&
      (m.predicate->case_insensitive ||
       std::none_of(proxy->prefix.begin(), proxy->prefix.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) &&
      proxy->uri.parts.size() == 1 && proxy->uri.parts[0].var == ir::Var::literal && !proxy->uri.parts[0].value.empty() &&
      proxy->uri.parts[0].value.back() == '/') {
    use_handle_path = true;
    rest_prefix = proxy->uri.parts[0].value.substr(0, proxy->uri.parts[0].value.size() - 1);
  }
  WrittenMatcher wm;
  if (use_handle_path) {
    wm.token = proxy->prefix + "*";
    wm.first_path_len = wm.token.size();
  } else {
    wm = write_matcher(cx, w, m, base, r.loc);
  }
  h.has_matcher = !wm.token.empty();
  h.first_path_len = wm.first_path_len;
  std::string directive = use_handle_path ? "handle_path" : "handle";
  w.open(directive + (wm.token.empty() ? "" : " " + wm.token));

  if (r.limits.max_body_bytes != 0 && !site_body_limit) {
    w.open("request_body");
    w.line("max_size " + size_text(r.limits.max_body_bytes));
    w.close();
  }
  std::vector<ir::HeaderOp> response(r.response_headers.begin() + static_cast<long>(strip_response.size()), r.response_headers.end());
  if (!proxy) {
    for (const auto& op : response) w.line("header " + header_words(cx, op, wm.regex_name));
    for (const auto& op : r.request_headers) w.line("request_header " + header_words(cx, op, wm.regex_name));
  }
  bool reachable = emit_steps(cx, w, r.rewrites);
  if (reachable) reachable = emit_access(cx, w, r.access);
  if (reachable && use_handle_path && !rest_prefix.empty()) w.line("rewrite * " + token(rest_prefix + "{path}"));
  if (reachable && proxy && !use_handle_path && proxy->uri_mode != ir::UriMode::unchanged) {
    std::string uri = placeholders(cx, proxy->uri, r.loc, wm.regex_name);
    if (proxy->uri_mode == ir::UriMode::replace) {
      if (uri.find('?') == std::string::npos) uri += "?";
      w.line("rewrite * " + token(uri));
    } else {
      std::string name = cx.matcher_name("strip");
      w.line("@" + name + " path_regexp " + name + " " + token("^" + regex_escape(proxy->prefix) + "(.*)$"));
      w.line("rewrite @" + name + " " + token(uri + "{re." + name + ".1}"));
    }
  }
  if (reachable) {
    ir::Route shown = r;
    shown.response_headers = response;
    switch (r.action.kind) {
      case ir::ActionKind::proxy: emit_proxy(cx, w, shown, wm.regex_name); break;
      case ir::ActionKind::respond: {
        std::optional<std::string> body;
        if (r.action.respond->body) body = placeholders(cx, *r.action.respond->body, r.loc, wm.regex_name);
        w.line(respond_line("", body, r.action.respond->status));
        break;
      }
      case ir::ActionKind::redirect: {
        int status = r.action.redirect->status;
        redirect_status_ok(cx, r.loc, status);
        std::string capture_name;
        if (auto t = regsub_capture(cx, w, r.action.redirect->location, m, capture_name)) {
          w.line(redir_line("@" + capture_name, placeholders(cx, *t, r.loc, capture_name), status));
          break;
        }
        w.line(redir_line("", placeholders(cx, r.action.redirect->location, r.loc, wm.regex_name), status));
        break;
      }
      case ir::ActionKind::static_files:
        w.comment("the source serves files here: proxyglot's Caddy translation answers 404");
        w.line("respond 404");
        break;
    }
  }
  w.close();
  h.text = w.text();
  return h;
}

bool empty_body(const std::optional<ir::Template>& t) { return !t || t->parts.empty(); }

// Caddy's own answer when no route matched: an empty 200 (with the site's unconditional
// response headers).
bool caddy_fallback(const ir::Route& f) {
  return f.action.kind == ir::ActionKind::respond && f.action.respond && f.action.respond->status == 200 &&
         empty_body(f.action.respond->body) && f.rewrites.empty() && f.access.empty();
}

bool starts_with_ops(const std::vector<ir::HeaderOp>& ops, const std::vector<ir::HeaderOp>& prefix) {
  if (ops.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    const auto &a = ops[i], &b = prefix[i];
    if (a.op != b.op || a.name != b.name || a.search != b.search || a.value.parts.size() != b.value.parts.size()) return false;
    for (size_t k = 0; k < a.value.parts.size(); ++k)
      if (a.value.parts[k].var != b.value.parts[k].var || a.value.parts[k].value != b.value.parts[k].value) return false;
  }
  return true;
}

std::string base_name(const ir::Route& r, const ir::Matcher& m) {
  if (m.op == ir::MatchOp::predicate && m.predicate) return m.predicate->value;
  for (const auto& c : m.children) {
    std::string b = base_name(r, c);
    if (!b.empty() && b != "route") return b;
  }
  (void)r;
  return "route";
}

// A redirect route Caddy can answer with a site-level `redir @m TO` (two lines, no
// handle): one doing nothing else, whose redirect is a plain template, on a matcher
// that is one alternative. Caddy runs `redir` before every handle (and before the
// site's `rewrite`, so not on a host that rewrites first): the caller checks that no
// earlier route takes one of its requests.
bool site_redirect(const ir::VirtualHost& vh, const ir::Route& r, const std::vector<ir::HeaderOp>& common,
                   bool site_body_limit) {
  if (r.action.kind != ir::ActionKind::redirect || !r.action.redirect || !vh.rewrites.empty()) return false;
  if (!r.rewrites.empty() || !r.access.empty() || !r.request_headers.empty()) return false;
  if (r.response_headers.size() != common.size() || !starts_with_ops(r.response_headers, common)) return false;
  if (r.limits.max_body_bytes != 0 && !site_body_limit) return false;
  for (const auto& part : r.action.redirect->location.parts)
    if (!part.converters.empty()) return false;
  return alternatives(r.match).size() == 1;
}

// The site-level form of such a route: its comment, its named matcher, the redir.
std::string emit_site_redirect(EmitContext& cx, const ir::Route& r) {
  Writer w(1);
  w.line(route_label(r));
  WrittenMatcher wm = write_matcher(cx, w, r.match, base_name(r, r.match), r.loc);
  int status = r.action.redirect->status;
  redirect_status_ok(cx, r.loc, status);
  std::string to = placeholders(cx, r.action.redirect->location, r.loc, wm.regex_name);
  w.line(redir_line(wm.token, to, status));
  return w.text();
}

// ---- handle_errors --------------------------------------------------------------------

// What the IR answers for an error Caddy's reverse_proxy returns with `caddy_status`:
// an error page, or a plain status (Caddy's empty answer).
struct ErrorOutcome {
  const ir::ErrorPage* page = nullptr;
  int status = 0;
  std::string key;
};

std::string literal_text(const ir::Template& t) {
  std::string out;
  for (const auto& p : t.parts) out += p.var == ir::Var::literal ? p.value : "${" + std::to_string(static_cast<int>(p.var)) + ":" + p.value + "}";
  return out;
}

bool can_run_out(const EmitContext& cx, const ir::ProxyAction& p) {
  const ir::Pool* pool = p.pool.empty() ? nullptr : cx.pool(p.pool);
  if (!pool) return false;
  if (pool->health_check && !pool->health_check->connect_only) return true;
  for (const auto& s : pool->servers)
    if (!s.backup && !s.down) return (s.max_fails > 0 && s.fail_timeout_ms > 0) || s.max_conns > 0;
  return false;
}

std::optional<ErrorOutcome> outcome(const EmitContext& cx, const ir::Route& r, int caddy_status) {
  const ir::ProxyAction& p = *r.action.proxy;
  // Caddy: 502 when connecting fails or the answer is bad, 503 when no upstream is
  // available (health checks), 504 on a timeout, 500 otherwise.
  if (caddy_status == 503 && !can_run_out(cx, p)) return std::nullopt;
  // Caddy's 502 is a failed connection and a bad answer alike: another plain status for
  // it would be wrong for bad answers (HAProxy: 503 and 502); only error pages are
  // written for it (with a warning).
  int t = caddy_status == 502 ? p.connect_error_status : caddy_status == 503 ? p.no_server_status : caddy_status;
  ErrorOutcome o;
  o.status = t;
  for (const auto& page : r.error_pages)
    if (std::find(page.codes.begin(), page.codes.end(), t) != page.codes.end()) {
      o.page = &page;
      break;
    }
  if (o.page) {
    o.key = fmt::format("page {} {} {} {}", static_cast<int>(o.page->status_mode), o.page->status_mode == ir::ErrorStatus::keep ? t : o.page->status,
                        static_cast<int>(o.page->target_kind), literal_text(o.page->target));
  } else {
    o.key = fmt::format("status {}", t);
  }
  return o;
}

// `t` with {err.status_code} for the error's status.
std::string error_placeholders(EmitContext& cx, const ir::Template& t, const SourceLoc& loc) {
  std::string out;
  ir::Template chunk;
  auto flush = [&]() {
    if (!chunk.parts.empty()) out += placeholders(cx, chunk, loc);
    chunk.parts.clear();
  };
  for (const auto& part : t.parts) {
    if (part.var == ir::Var::status && part.converters.empty()) {
      flush();
      out += "{err.status_code}";
    } else {
      chunk.parts.push_back(part);
    }
  }
  flush();
  return out;
}

void emit_error_routes(EmitContext& cx, Writer& w, const ir::VirtualHost& vh, const std::vector<const ir::Route*>& routes,
                       std::set<std::string>& used_named) {
  // The statuses of the first proxy route decide (handle_errors is one per site).
  static constexpr int kCaddyStatuses[] = {500, 502, 503, 504};
  const ir::Route* first = nullptr;
  std::vector<std::pair<int, ErrorOutcome>> mapping;
  std::vector<const ir::Route*> proxies;
  for (const ir::Route* r : routes)
    if (!r->internal && r->action.kind == ir::ActionKind::proxy && r->action.proxy && !r->action.proxy->pool.empty())
      proxies.push_back(r);
  if (vh.fallback.action.kind == ir::ActionKind::proxy && vh.fallback.action.proxy && !vh.fallback.action.proxy->pool.empty())
    proxies.push_back(&vh.fallback);
  for (const ir::Route* r : proxies) {
    std::vector<std::pair<int, ErrorOutcome>> m;
    for (int st : kCaddyStatuses)
      if (auto o = outcome(cx, *r, st); o && (o->page || (o->status != st && st != 502))) m.emplace_back(st, *o);
    if (!first) {
      first = r;
      mapping = m;
      continue;
    }
    bool same = m.size() == mapping.size();
    for (size_t i = 0; same && i < m.size(); ++i) same = m[i].first == mapping[i].first && m[i].second.key == mapping[i].second.key;
    if (!same)
      cx.cannot(r->loc, "error pages or error statuses that differ between the routes of one site",
                fmt::format("Caddy's handle_errors is one per site: the route's errors are answered as those of {}", emit::source_comment(first->loc)));
  }
  if (mapping.empty()) return;
  // A refused connection and a bad answer are both 502 in Caddy.
  bool page_for_502 = std::any_of(mapping.begin(), mapping.end(), [](const auto& x) { return x.first == 502; });
  if (first->action.proxy->connect_error_status != 502 && page_for_502)
    cx.cannot(first->loc, fmt::format("answering {} for a failed connection but 502 for a bad upstream answer", first->action.proxy->connect_error_status),
              "Caddy's errors say 502 for both: handle_errors gives both the failed connection's error page");

  // One error route per outcome, its statuses in one expression.
  std::vector<std::pair<std::vector<int>, ErrorOutcome>> groups;
  for (const auto& entry : mapping) {
    const auto& [st, o] = entry;
    const auto& key = o.key;  // clang 14 (the fuzz build) cannot capture a structured binding
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.second.key == key; });
    if (g == groups.end()) groups.push_back({{st}, o});
    else g->first.push_back(st);
  }
  Writer body(w.depth() + 1);
  for (const auto& [codes, o] : groups) {
    const ir::Route* named = nullptr;
    std::string base = fmt::format("status{}", o.status);
    if (o.page && o.page->target_kind == ir::ErrorTarget::named_route) {
      std::string target = literal_text(o.page->target);
      for (const auto& n : vh.named_routes)
        if (n.name == target) named = &n;
      if (!named) {
        cx.cannot(o.page->loc, fmt::format("the error page {}", target), "the error's own empty answer is sent");
        continue;
      }
      base = named->name;
      size_t at = base.rfind('@');
      if (at != std::string::npos) base = base.substr(at + 1);
      else if (base.rfind("errorfile", 0) == 0) base = fmt::format("errorfile{}", o.status);
    } else if (o.page && o.page->target_kind == ir::ErrorTarget::uri) {
      cx.cannot(o.page->loc, fmt::format("the error page {} (a request for another path)", literal_text(o.page->target)),
                "proxyglot's Caddyfile front end does not read a rewrite in handle_errors: the error's own empty answer is sent");
      continue;
    }
    std::string name = cx.matcher_name(base);
    std::string expr;
    if (codes.size() == 1) {
      expr = fmt::format("{{err.status_code}} == {}", codes[0]);
    } else {
      std::vector<std::string> c;
      for (int x : codes) c.push_back(std::to_string(x));
      expr = fmt::format("{{err.status_code}} in [{}]", fmt::join(c, ", "));
    }
    body.line("@" + name + " expression " + expr);
    std::string m = "@" + name;
    // The answer's status: the error's (keep: a respond without status), a set one, or the target's.
    std::optional<int> status;
    if (o.page && o.page->status_mode == ir::ErrorStatus::set) status = o.page->status;
    if (!o.page) {
      body.line(fmt::format("respond {} {}", m, o.status));
      continue;
    }
    if (o.page->target_kind == ir::ErrorTarget::redirect) {
      int st = status.value_or(302);
      redirect_status_ok(cx, o.page->loc, st);
      body.line(redir_line(m, placeholders(cx, o.page->target, o.page->loc), st));
      continue;
    }
    used_named.insert(named->name);
    Writer inner(body.depth() + 1);
    bool block = !named->response_headers.empty() || named->action.kind == ir::ActionKind::proxy;
    Writer& out = block ? inner : body;
    std::string mm = block ? "" : m;
    for (const auto& op : named->response_headers) out.line("header " + header_words(cx, op, ""));
    switch (named->action.kind) {
      case ir::ActionKind::respond: {
        std::optional<std::string> text;
        if (named->action.respond->body) text = error_placeholders(cx, *named->action.respond->body, named->loc);
        if (o.page->status_mode == ir::ErrorStatus::from_target) status = named->action.respond->status;
        if (!status) {  // the error's status: respond without one
          std::string line = "respond" + (mm.empty() ? "" : " " + mm);
          if (text && !text->empty()) line += " " + token(*text);
          if (mm.empty() && text && !text->empty() && ((*text)[0] == '/' || (*text)[0] == '@' || *text == "*"))
            line = "respond * " + token(*text);
          out.line(line);
        } else {
          out.line(respond_line(mm, text, *status));
        }
        break;
      }
      case ir::ActionKind::redirect: {
        int st = named->action.redirect->status;
        redirect_status_ok(cx, named->loc, st);
        out.line(redir_line(mm, error_placeholders(cx, named->action.redirect->location, named->loc), st));
        if (o.page->status_mode != ir::ErrorStatus::from_target)
          cx.cannot(o.page->loc, "an error page's status over a redirect's", "the redirect's status is sent");
        break;
      }
      case ir::ActionKind::proxy:
        if (o.page->status_mode != ir::ErrorStatus::from_target)
          cx.cannot(o.page->loc, "an error page's status over a proxied answer's", "the upstream's status is sent");
        emit_proxy(cx, out, *named, "");
        break;
      case ir::ActionKind::static_files:
        out.line(fmt::format("respond {}", o.status));
        break;
    }
    if (block) {
      body.open("handle " + m);
      body.raw(inner.text());
      body.close();
    }
  }
  if (body.text().empty()) return;
  w.blank();
  w.comment("the proxy's own errors (Caddy: 502 no connection or a bad answer, 503 no upstream available, 504 timeout)");
  w.open("handle_errors");
  w.raw(body.text());
  w.close();
}

}  // namespace

std::optional<std::vector<ir::Route>> map_dispatch_routes(const EmitContext& cx, const ir::Route& r, std::string* map_name) {
  return ir::map_dispatch(cx.config, r, map_name);
}

void emit_site_body(EmitContext& cx, Writer& w, const ir::VirtualHost& vh) {
  // A host that answers before choosing a route.
  if (!vh.rewrites.empty() && vh.rewrites.front().kind != ir::RewriteKind::rewrite) {
    emit_steps(cx, w, {vh.rewrites.front()});
    return;
  }
  bool after_rewrite = false;
  for (const auto& s : vh.rewrites) {
    if (s.kind != ir::RewriteKind::rewrite) {
      cx.cannot(s.loc, "an answer after the host's rewrites", "it is left out");
      break;
    }
    if (s.flag == ir::RewriteFlag::redirect && after_rewrite)
      cx.cannot(s.loc, "a redirect after a rewrite of the host", "Caddy redirects before it rewrites");
    after_rewrite = after_rewrite || s.flag != ir::RewriteFlag::redirect;
    emit_steps(cx, w, {s});
  }

  // Response headers every answer carries (Caddy's fallback has them): one site-level
  // header directive.
  std::vector<ir::HeaderOp> common;
  if (caddy_fallback(vh.fallback) && !vh.fallback.response_headers.empty()) {
    common = vh.fallback.response_headers;
    for (const auto& r : vh.routes)
      if (!r.internal && !starts_with_ops(r.response_headers, common)) common.clear();
    for (const auto& op : common) w.line("header " + header_words(cx, op, ""));
  }

  std::vector<Handle> handles;
  bool covered = false;
  // The routes as written: the host's own (not copied: thousands), and those a map
  // dispatch becomes (kept in `expanded`).
  std::deque<ir::Route> expanded;
  std::vector<const ir::Route*> routes;
  for (const auto& r : vh.routes) {
    if (auto alternatives = map_dispatch_routes(cx, r)) {
      for (auto& x : *alternatives) routes.push_back(&expanded.emplace_back(std::move(x)));
    } else {
      routes.push_back(&r);
    }
  }
  // One body limit for every request of the site (nginx's client_max_body_size at the
  // server level): one request_body for the site, not one in each handle. Caddy runs
  // it before any handle, so the fallback must have it too.
  const int64_t body_limit = vh.fallback.limits.max_body_bytes;
  const bool site_body_limit = body_limit != 0 && std::all_of(routes.begin(), routes.end(), [&](const ir::Route* r) {
    return r->internal || r->limits.max_body_bytes == body_limit;
  });
  if (site_body_limit) {
    w.open("request_body");
    w.line("max_size " + size_text(body_limit));
    w.close();
  }
  // Redirects no earlier route takes a request of are site-level `redir`s, written
  // before the handles (where Caddy runs them).
  std::vector<std::string> redirects;
  emit::PathIndex earlier;
  for (const ir::Route* rp : routes) {
    const ir::Route& r = *rp;
    if (r.internal) {
      cx.cannot(r.loc, "a route only reachable by internal redirects", "it is left out");
      continue;
    }
    if (!matches_all(r.match) && site_redirect(vh, r, common, site_body_limit) && earlier.disjoint_from_all(r.match)) {
      redirects.push_back(emit_site_redirect(cx, r));
      continue;
    }
    earlier.add(r.match);
    for (const auto& alt : alternatives(r.match)) handles.push_back(emit_handle(cx, 1, r, alt, base_name(r, alt), common, site_body_limit));
    if (matches_all(r.match)) {
      covered = true;
      break;
    }
  }
  // handle_errors is written after the routes; its matchers are named first.
  std::set<std::string> used_named;
  Writer errors(w.depth());
  emit_error_routes(cx, errors, vh, routes, used_named);
  for (const auto& r : vh.named_routes)
    if (!used_named.count(r.name)) cx.cannot(r.loc, fmt::format("the named route {}", r.name), "it is left out");
  if (!covered && !caddy_fallback(vh.fallback) && vh.fallback.action.kind != ir::ActionKind::static_files)
    handles.push_back(emit_handle(cx, 1, vh.fallback, ir::Matcher{}, "fallback", common, site_body_limit));

  // Does Caddy's sort keep the order?
  std::vector<Item> items;
  for (size_t i = 0; i < handles.size(); ++i) {
    Item it;
    it.directive = "handle";
    it.label = std::to_string(i);
    it.has_matcher = handles[i].has_matcher;
    it.first_path_len = handles[i].first_path_len;
    items.push_back(std::move(it));
  }
  sort_items(items);
  for (const auto& t : redirects) {
    w.blank();
    w.raw(t);
  }
  bool kept = true;
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].label != std::to_string(i)) kept = false;
  if (kept) {
    for (const auto& h : handles) {
      w.blank();
      std::string t = h.text;
      // written at depth 1 for a site block: one tab less here when at depth 1 already
      w.raw(t);
    }
    if (!errors.text().empty()) {
      w.blank();
      w.raw(errors.text());
    }
    return;
  }
  w.blank();
  w.comment("a route block keeps the order (Caddy would sort handle blocks by path length)");
  w.open("route");
  for (size_t i = 0; i < handles.size(); ++i) {
    if (i) w.blank();
    std::string indented;
    size_t start = 0;
    const std::string& t = handles[i].text;
    while (start < t.size()) {
      size_t nl = t.find('\n', start);
      std::string ln = t.substr(start, nl - start);
      indented += (ln.empty() ? "" : "\t") + ln + "\n";
      start = nl + 1;
    }
    w.raw(indented);
  }
  w.close();
  if (!errors.text().empty()) {
    w.blank();
    w.raw(errors.text());
  }
}

}  // namespace pg::caddy
