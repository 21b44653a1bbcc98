// A virtual host's routes as handle blocks: one per route (or per alternative of an
// `any` Caddy cannot say in one matcher), in the IR's first-match order. Caddy sorts
// handle blocks (route_order.cpp's sort_items, reused here to check): when that sort
// would change the order, the handles go inside one `route` block, which keeps it.
#include <fmt/format.h>

#include "caddy/emit_context.h"
#include "caddy/emit_headers.h"
#include "caddy/emit_matchers.h"
#include "caddy/route_order.h"
#include "caddy/values.h"
#include "emit/emit_text.h"

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
    if (all) return false;
  }
  return true;
}

std::string route_label(const ir::Route& r) {
  std::string c = "# " + emit::source_comment(r.loc);
  if (!r.name.empty()) c += " (" + r.name + ")";
  return c;
}

// One handle block. `m` is the route's matcher (or one alternative of it).
struct Handle {
  std::string text;
  bool has_matcher = false;
  size_t first_path_len = 0;
};

Handle emit_handle(EmitContext& cx, int depth, const ir::Route& r, const ir::Matcher& m, const std::string& base,
                   const std::vector<ir::HeaderOp>& strip_response) {
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

  if (r.limits.max_body_bytes != 0) {
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

}  // namespace

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
  for (const auto& r : vh.routes) {
    if (r.internal) {
      cx.cannot(r.loc, "a route only reachable by internal redirects", "it is left out");
      continue;
    }
    for (const auto& alt : alternatives(r.match)) handles.push_back(emit_handle(cx, 1, r, alt, base_name(r, alt), common));
    if (matches_all(r.match)) {
      covered = true;
      break;
    }
  }
  for (const auto& r : vh.named_routes)
    cx.cannot(r.loc, fmt::format("the named route {}", r.name), "it is left out");
  if (!covered && !caddy_fallback(vh.fallback) && vh.fallback.action.kind != ir::ActionKind::static_files)
    handles.push_back(emit_handle(cx, 1, vh.fallback, ir::Matcher{}, "fallback", common));

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
}

}  // namespace pg::caddy
