#include "nginx/emit_routes.h"

#include <algorithm>

#include <boost/describe/enum_to_string.hpp>
#include <fmt/format.h>

#include "emit/emit_text.h"
#include "ir/text.h"

namespace pg::nginx::emitter {

namespace {

std::string size_text(int64_t bytes) {
  if (bytes != 0 && bytes % 1048576 == 0) return fmt::format("{}m", bytes / 1048576);
  if (bytes != 0 && bytes % 1024 == 0) return fmt::format("{}k", bytes / 1024);
  return fmt::format("{}", bytes);
}

// nginx has no "no timeout": a day is the nearest.
std::string timeout_text(int64_t ms) { return emit::duration(ms == 0 ? 86400000 : ms); }

std::string line(std::string_view name, const std::vector<std::string>& args) {
  std::string s(name);
  for (const auto& a : args) s += " " + quote(a);
  return s + ";";
}

bool is_redirect_code(int c) { return c == 301 || c == 302 || c == 303 || c == 307 || c == 308; }

bool is_absolute(const ir::Template& t) {
  if (t.parts.empty()) return false;
  const auto& p = t.parts[0];
  if (p.var == ir::Var::scheme) return true;
  return p.var == ir::Var::literal && (p.value.rfind("http://", 0) == 0 || p.value.rfind("https://", 0) == 0);
}

bool is_proxy_default(const ir::HeaderOp& op, bool grpc) {
  using ir::iequals;
  if (op.op == ir::HeaderOpKind::remove) {
    const char* http[] = {"TE", "Keep-Alive", "Expect", "Upgrade"};
    const char* g[] = {"Connection", "Transfer-Encoding", "Keep-Alive", "Expect", "Upgrade"};
    if (grpc) return std::any_of(std::begin(g), std::end(g), [&](const char* n) { return iequals(op.name, n); });
    return std::any_of(std::begin(http), std::end(http), [&](const char* n) { return iequals(op.name, n); });
  }
  if (op.op != ir::HeaderOpKind::set) return false;
  const auto& parts = op.value.parts;
  if (iequals(op.name, "Host"))
    return parts.size() == 1 && parts[0].var == ir::Var::upstream_host && parts[0].converters.empty();
  if (!grpc && iequals(op.name, "Connection"))
    return parts.size() == 1 && parts[0].var == ir::Var::literal && parts[0].value == "close";
  if (grpc && iequals(op.name, "TE"))
    return parts.size() == 1 && parts[0].var == ir::Var::literal && parts[0].value == "trailers";
  return false;
}

// `op` adds the bare client address to X-Forwarded-For, the only operation on that
// field: what nginx's $proxy_add_x_forwarded_for sends.
bool appends_client_address(const ir::Route& r, const ir::HeaderOp& op) {
  if (!ir::iequals(op.name, "X-Forwarded-For") || op.value.parts.size() != 1) return false;
  const auto& part = op.value.parts[0];
  if (part.var != ir::Var::client_address || !part.converters.empty()) return false;
  return std::none_of(r.request_headers.begin(), r.request_headers.end(),
                      [&](const ir::HeaderOp& o) { return &o != &op && ir::iequals(o.name, op.name); });
}

std::vector<std::string> request_header_lines(Context& ctx, const ir::Route& r) {
  const ir::ProxyAction& p = *r.action.proxy;
  bool grpc = p.protocol == ir::UpstreamProtocol::grpc;
  const char* directive = grpc ? "grpc_set_header" : "proxy_set_header";
  std::vector<std::string> out;
  std::set<std::string> named;
  for (const auto& op : r.request_headers) {
    named.insert(ir::to_lower(op.name));
    if (is_proxy_default(op, grpc)) continue;
    SourceLoc at = op.loc.line ? op.loc : r.loc;
    if (!op.except_clients.empty())
      ctx.losses.warning(at, fmt::format("nginx cannot skip the {} field for some clients: it is written for every client", op.name));
    std::string what = fmt::format("the upstream request's {} field", op.name);
    // The client address as an X-Forwarded-For line after the client's own (HAProxy's
    // option forwardfor): list fields combine with ", " (RFC 9110 5.3), which is
    // nginx's $proxy_add_x_forwarded_for.
    if (op.op == ir::HeaderOpKind::add && appends_client_address(r, op)) {
      out.push_back(line(directive, {op.name, "$proxy_add_x_forwarded_for"}));
      continue;
    }
    switch (op.op) {
      case ir::HeaderOpKind::remove:
        out.push_back(line(directive, {op.name, ""}));
        break;
      case ir::HeaderOpKind::add:
      case ir::HeaderOpKind::add_if_absent:
        ctx.losses.warning(at, fmt::format("nginx cannot {} a request field: {} is set, replacing any the client sent",
                                           op.op == ir::HeaderOpKind::add ? "add a second" : "add only when absent",
                                           op.name));
        [[fallthrough]];
      case ir::HeaderOpKind::set:
        out.push_back(line(directive, {op.name, ctx.templates.value(op.value, at, what)}));
        break;
      case ir::HeaderOpKind::replace:
        ctx.losses.warning(at, fmt::format("nginx cannot rewrite part of a request field: the replacement in {} is left out", op.name));
        break;
    }
  }
  if (grpc) return out;
  // Fields the IR leaves as the client sent them, which nginx would change.
  if (!named.count("host")) out.push_back(line(directive, {"Host", "$http_host"}));
  if (p.upgrade) {
    if (p.protocol != ir::UpstreamProtocol::http1_1)
      ctx.losses.warning(r.loc, "nginx passes WebSocket upgrades only over HTTP/1.1 to the upstream");
    if (!named.count("upgrade")) out.push_back(line(directive, {"Upgrade", "$http_upgrade"}));
    if (!named.count("connection")) {
      if (ctx.connection_upgrade_map.empty()) ctx.connection_upgrade_map = ctx.templates.fresh_map_name("connection_upgrade");
      ctx.needs_connection_upgrade_map = true;
      out.push_back(line(directive, {"Connection", "$" + ctx.connection_upgrade_map}));
    }
  } else if (!named.count("connection")) {
    out.push_back(line(directive, {"Connection", ""}));
  }
  return out;
}

// Whether a removal of a response field is nginx's proxy_hide_header: on a proxying
// (not gRPC) route, before any operation adds the field.
bool hidden(const ir::Route& r, const ir::HeaderOp& removal) {
  if (r.action.kind != ir::ActionKind::proxy || r.action.proxy->protocol == ir::UpstreamProtocol::grpc) return false;
  for (const auto& op : r.response_headers) {
    if (&op == &removal) return true;
    if (ir::iequals(op.name, removal.name)) return false;
  }
  return false;
}

// nginx hides these upstream fields by itself (and writes its own Date and Server):
// naming them changes nothing, and the reread compare reports what stays.
bool hidden_anyway(const std::string& name) {
  std::string n = ir::to_lower(name);
  return n == "date" || n == "server" || n == "x-pad" || n.rfind("x-accel-", 0) == 0;
}

std::vector<std::string> hide_header_lines(const ir::Route& r) {
  std::vector<std::string> out;
  for (const auto& op : r.response_headers)
    if (op.op == ir::HeaderOpKind::remove && hidden(r, op) && !hidden_anyway(op.name))
      out.push_back(line("proxy_hide_header", {op.name}));
  return out;
}

std::vector<std::string> response_header_lines(Context& ctx, const ir::Route& r) {
  std::vector<std::string> out;
  for (const auto& op : r.response_headers) {
    SourceLoc at = op.loc.line ? op.loc : r.loc;
    std::string what = fmt::format("the response's {} field", op.name);
    switch (op.op) {
      case ir::HeaderOpKind::remove:
        if (!hidden(r, op)) {
          ctx.losses.warning(at, fmt::format("nginx cannot remove the response field {} {}: it is kept", op.name,
                                             r.action.kind == ir::ActionKind::proxy
                                                 ? "after adding it (proxy_hide_header removes only the upstream's)"
                                                 : "from a response it makes itself (proxy_hide_header removes only the upstream's)"));
        }
        continue;
      case ir::HeaderOpKind::replace:
        ctx.losses.warning(at, fmt::format("nginx cannot rewrite part of the response field {}: it is left as is", op.name));
        continue;
      case ir::HeaderOpKind::set:
      case ir::HeaderOpKind::add_if_absent:
        if (r.action.kind == ir::ActionKind::proxy)
          ctx.losses.warning(at, fmt::format("nginx's add_header adds {} beside any the upstream sent, it cannot replace it", op.name));
        break;
      case ir::HeaderOpKind::add:
        break;
    }
    std::vector<std::string> args{op.name, ctx.templates.value(op.value, at, what)};
    if (op.always) args.push_back("always");
    out.push_back(line("add_header", args));
  }
  return out;
}

std::string error_page_line(Context& ctx, const ir::ErrorPage& e) {
  std::vector<std::string> args;
  for (int c : e.codes) args.push_back(std::to_string(c));
  if (e.target_kind == ir::ErrorTarget::redirect) {
    if (e.status_mode == ir::ErrorStatus::set && e.status != 302) args.push_back(fmt::format("={}", e.status));
  } else if (e.status_mode == ir::ErrorStatus::set) {
    args.push_back(fmt::format("={}", e.status));
  } else if (e.status_mode == ir::ErrorStatus::from_target) {
    args.push_back("=");
  }
  std::string target = ctx.templates.value(e.target, e.loc, "an error page's target");
  if (e.target_kind == ir::ErrorTarget::named_route) {
    auto it = ctx.named_locations.find(target);
    if (it == ctx.named_locations.end()) it = ctx.named_locations.find("location " + target);
    if (it != ctx.named_locations.end()) target = it->second;
    else if (target.rfind("location @", 0) == 0) target.erase(0, 9);  // the IR names the route "location @x"
  }
  args.push_back(target);
  return line("error_page", args);
}

}  // namespace

const ir::Pool* find_pool(Context& ctx, std::string_view name) {
  if (ctx.pool_by_name.empty())
    for (const auto& pool : ctx.config.pools) ctx.pool_by_name.emplace(pool.name, &pool);
  auto it = ctx.pool_by_name.find(name);
  return it == ctx.pool_by_name.end() ? nullptr : it->second;
}

std::vector<Group> common_groups(Context& ctx, const ir::Route& r) {
  std::vector<Group> g;
  Group access{"allow", {}, true};
  for (const auto& a : r.access) access.lines.push_back(line(a.allow ? "allow" : "deny", {a.cidr}));
  g.push_back(std::move(access));
  g.push_back({"client_max_body_size", {line("client_max_body_size", {size_text(r.limits.max_body_bytes)})}});
  g.push_back({"keepalive_timeout", {line("keepalive_timeout", {emit::duration(r.limits.keepalive_timeout_ms)})}});
  g.push_back({"default_type", {line("default_type", {r.default_type})}});
  // client_header_timeout belongs to the server (server_head_lines).
  g.push_back({"client_body_timeout", {line("client_body_timeout", {timeout_text(r.limits.idle_timeout_ms)}),
                                       line("send_timeout", {timeout_text(r.limits.idle_timeout_ms)})}});
  g.push_back({"add_header", response_header_lines(ctx, r), true});
  Group pages{"error_page", {}, true};
  for (const auto& e : r.error_pages) pages.lines.push_back(error_page_line(ctx, e));
  g.push_back(std::move(pages));
  Writer logs;
  emit_access_logs(ctx, logs, r.access_logs, r.loc);
  Group log{"access_log", {}, true};
  for (size_t start = 0; start < logs.text().size();) {
    size_t nl = logs.text().find('\n', start);
    log.lines.push_back(logs.text().substr(start, nl - start));
    start = nl + 1;
  }
  g.push_back(std::move(log));
  return g;
}

std::vector<std::string> server_head_lines(Context& ctx, const ir::Route& fallback) {
  (void)ctx;
  const ir::ClientLimits& l = fallback.limits;
  std::vector<std::string> out;
  if (l.idle_timeout_ms != 60000) out.push_back(line("client_header_timeout", {timeout_text(l.idle_timeout_ms)}));
  // large_client_header_buffers N S: lines up to S, the head up to N x S. Without
  // line limits (0), one buffer as large as the head.
  int64_t line_limit = std::max(l.header_line_bytes, l.request_line_bytes);
  int64_t block = l.header_block_bytes > 0 ? l.header_block_bytes : 32768;
  int64_t size = line_limit > 0 ? std::min(line_limit, block) : block;
  int64_t count = std::max<int64_t>(1, (block + size - 1) / size);  // the compare reports what differs
  if (count != 4 || size != 8192)
    out.push_back(line("large_client_header_buffers", {std::to_string(count), size_text(size)}));
  return out;
}

std::vector<Group> proxy_groups(Context& ctx, const ir::Route& r) {
  const ir::ProxyAction& p = *r.action.proxy;
  std::vector<Group> g;
  if (p.protocol == ir::UpstreamProtocol::grpc) {
    // Written in the location only, where they differ from nginx's defaults.
    auto timeout = [&](const char* name, int64_t ms) {
      Group t{name, {}};
      if (ms != 60000) t.lines.push_back(line(name, {timeout_text(ms)}));
      g.push_back(std::move(t));
    };
    timeout("grpc_connect_timeout", p.timeouts.connect_ms);
    timeout("grpc_send_timeout", p.timeouts.send_ms);
    timeout("grpc_read_timeout", p.timeouts.read_ms);
    g.push_back({"grpc_set_header", request_header_lines(ctx, r), true});
    return g;
  }
  std::string version = p.protocol == ir::UpstreamProtocol::http1_0 ? "1.0" : "1.1";
  if (p.protocol == ir::UpstreamProtocol::h2)
    ctx.losses.warning(r.loc, "nginx proxies HTTP/1.x only (and gRPC with grpc_pass): HTTP/1.1 is used to the upstream");
  g.push_back({"proxy_http_version", {line("proxy_http_version", {version})}});
  g.push_back({"proxy_connect_timeout", {line("proxy_connect_timeout", {timeout_text(p.timeouts.connect_ms)})}});
  g.push_back({"proxy_send_timeout", {line("proxy_send_timeout", {timeout_text(p.timeouts.send_ms)})}});
  g.push_back({"proxy_read_timeout", {line("proxy_read_timeout", {timeout_text(p.timeouts.read_ms)})}});
  g.push_back({"proxy_buffering", {line("proxy_buffering", {p.buffering.response ? "on" : "off"})}});
  g.push_back({"proxy_request_buffering", {line("proxy_request_buffering", {p.buffering.request ? "on" : "off"})}});
  // nginx requires its busy-buffers size (by default twice the larger buffer size) to
  // stay below all body buffers but one: fewer buffers than that are raised to it. The
  // two directives travel together so that every level stays valid.
  int64_t larger = std::max(p.buffering.header_buffer_bytes, p.buffering.body_buffer_bytes);
  int64_t buffers = p.buffering.body_buffers;
  int64_t each = std::max<int64_t>(p.buffering.body_buffer_bytes, 1);
  if ((buffers - 1) * each <= 2 * larger) buffers = 2 * larger / each + 2;  // the compare reports the change
  g.push_back({"proxy_buffers", {line("proxy_buffer_size", {size_text(p.buffering.header_buffer_bytes)}),
                                 line("proxy_buffers", {std::to_string(buffers), size_text(p.buffering.body_buffer_bytes)})}});
  ir::Retry retry = p.retry;
  // Active checks approximated by passive ones (emit_pools.cpp): a request failing on
  // a server the checks would have taken out goes on to the next.
  if (retry.on.empty() && !p.pool.empty()) {
    const ir::Pool* pool = find_pool(ctx, p.pool);
    if (pool && pool->health_check && pool->servers.size() > 1)
      retry.on = {ir::RetryOn::error, ir::RetryOn::timeout};
  }
  std::vector<std::string> on;
  for (auto o : retry.on) on.push_back(boost::describe::enum_to_string(o, "?"));
  if (on.empty()) on.push_back("off");
  g.push_back({"proxy_next_upstream", {line("proxy_next_upstream", on)}});
  bool retries = !retry.on.empty();
  g.push_back({"proxy_next_upstream_tries", {line("proxy_next_upstream_tries", {std::to_string(retries ? retry.max_tries : 0)})}});
  g.push_back({"proxy_next_upstream_timeout", {line("proxy_next_upstream_timeout", {emit::duration(retries ? retry.timeout_ms : 0)})}});
  // "proxy_redirect default" is valid only after proxy_pass, in a location.
  Group redirect{"proxy_redirect", {}, true, true};
  if (p.redirect_rewrite.mode == ir::RedirectRewriteMode::off) redirect.lines.push_back("proxy_redirect off;");
  if (p.redirect_rewrite.mode == ir::RedirectRewriteMode::automatic && !p.redirect_rewrite.rules.empty()) {
    if (p.dynamic_target)
      ctx.losses.warning(r.loc, "nginx cannot derive its automatic Location rewriting from a proxy target with variables");
    else
      redirect.lines.push_back("proxy_redirect default;");
  }
  if (p.redirect_rewrite.mode != ir::RedirectRewriteMode::off) {
    for (const auto& rule : p.redirect_rewrite.rules) {
      std::string from = rule.regex ? (rule.case_insensitive ? "~*" : "~") + rule.from : rule.from;
      redirect.lines.push_back(line("proxy_redirect", {from, ctx.templates.value(rule.to, rule.loc, "a proxy_redirect replacement")}));
    }
  }
  redirect.location_only =
      std::find(redirect.lines.begin(), redirect.lines.end(), "proxy_redirect default;") != redirect.lines.end();
  g.push_back(std::move(redirect));
  g.push_back({"proxy_hide_header", hide_header_lines(r), true});
  g.push_back({"proxy_set_header", request_header_lines(ctx, r), true});
  return g;
}

const std::vector<Group>& default_common_groups(Context& ctx) {
  static std::vector<Group> groups = [&] {
    ir::Route r;
    r.access_logs.push_back(ir::AccessLog{SourceLoc{}, "/var/log/nginx/access.log", "combined"});
    r.limits.idle_timeout_ms = 60000;
    return common_groups(ctx, r);
  }();
  return groups;
}

const std::vector<Group>& default_proxy_groups(Context& ctx) {
  static std::vector<Group> groups = [&] {
    Diagnostics quiet;
    Context c{ctx.config, quiet, Templates(ctx.config, quiet), {}, {}, {}, false, "unused", {}, {}, {}, {}};
    ir::Route r;
    r.action.kind = ir::ActionKind::proxy;
    r.action.proxy.emplace();
    r.action.proxy->retry.on = {ir::RetryOn::error, ir::RetryOn::timeout};
    r.request_headers.push_back({SourceLoc{}, ir::HeaderOpKind::set, "Host", {}, true, "", {}});
    r.request_headers.push_back({SourceLoc{}, ir::HeaderOpKind::set, "Connection", {}, true, "", {}});
    auto g = proxy_groups(c, r);
    for (auto& x : g)
      if (x.key == "proxy_set_header") x.lines.clear();
    return g;
  }();
  return groups;
}

std::vector<std::string> rewrite_lines(Context& ctx, const std::vector<ir::RewriteStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) {
    switch (s.kind) {
      case ir::RewriteKind::rewrite: {
        std::string to = ctx.templates.value(s.replacement, s.loc, "a rewrite's replacement");
        if (!s.append_query) to += "?";
        std::vector<std::string> args{s.regex, to};
        switch (s.flag) {
          case ir::RewriteFlag::continue_:
            if (is_absolute(s.replacement))
              ctx.losses.warning(s.loc, "nginx answers a rewrite to an absolute URL with a redirect");
            break;
          case ir::RewriteFlag::last: args.push_back("last"); break;
          case ir::RewriteFlag::break_: args.push_back("break"); break;
          case ir::RewriteFlag::redirect:
            if (s.status != 301 && s.status != 302 && s.status != 308 && s.status != 307)
              ctx.losses.warning(s.loc, fmt::format("nginx's rewrite redirects with 301 or 302, not {}", s.status));
            else if (s.status == 307 || s.status == 308)
              ctx.losses.warning(s.loc, fmt::format("nginx's rewrite redirects with 301 or 302, not {}: {} is used",
                                                    s.status, s.status == 308 ? 301 : 302));
            args.push_back(s.status == 301 || s.status == 308 ? "permanent" : "redirect");
            break;
        }
        out.push_back(line("rewrite", args));
        break;
      }
      case ir::RewriteKind::respond:
        if (s.has_body && is_redirect_code(s.status)) {
          ctx.losses.warning(s.loc, fmt::format("nginx cannot answer {} with a body: it is left out", s.status));
          out.push_back(line("return", {std::to_string(s.status)}));
        } else if (s.has_body) {
          out.push_back(line("return", {std::to_string(s.status), ctx.templates.value(s.replacement, s.loc, "a response body")}));
        } else {
          out.push_back(line("return", {std::to_string(s.status)}));
        }
        break;
      case ir::RewriteKind::redirect: {
        int status = s.status;
        if (!is_redirect_code(status)) {
          ctx.losses.warning(s.loc, fmt::format("nginx redirects with 301, 302, 303, 307 or 308, not {}: 302 is used", status));
          status = 302;
        }
        out.push_back(line("return", {std::to_string(status), ctx.templates.value(s.replacement, s.loc, "a redirect's location")}));
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> action_lines(Context& ctx, const ir::Route& r, const PlannedLocation* where) {
  std::vector<std::string> out;
  if (r.internal) out.push_back("internal;");
  for (auto& l : rewrite_lines(ctx, r.rewrites)) out.push_back(std::move(l));
  switch (r.action.kind) {
    case ir::ActionKind::respond: {
      ir::RewriteStep s;
      s.loc = r.loc;
      s.kind = ir::RewriteKind::respond;
      s.status = r.action.respond->status;
      s.has_body = r.action.respond->body.has_value();
      if (s.has_body) s.replacement = *r.action.respond->body;
      for (auto& l : rewrite_lines(ctx, {s})) out.push_back(std::move(l));
      break;
    }
    case ir::ActionKind::redirect: {
      ir::RewriteStep s;
      s.loc = r.loc;
      s.kind = ir::RewriteKind::redirect;
      s.status = r.action.redirect->status;
      s.replacement = r.action.redirect->location;
      for (auto& l : rewrite_lines(ctx, {s})) out.push_back(std::move(l));
      break;
    }
    case ir::ActionKind::static_files:
      out.push_back("# the source serves static files here: add root/try_files as needed");
      break;
    case ir::ActionKind::proxy: {
      const ir::ProxyAction& p = *r.action.proxy;
      if (!p.dynamic_target && ctx.pools.empty.count(p.pool)) {
        ctx.losses.warning(r.loc, fmt::format("nginx cannot declare the pool \"{}\" without servers: the route answers {} "
                                              "itself", p.pool, p.no_server_status));
        out.push_back(line("return", {std::to_string(p.no_server_status)}));
        break;
      }
      bool grpc = p.protocol == ir::UpstreamProtocol::grpc;
      std::string scheme = p.scheme;
      if (grpc) scheme = (scheme == "https" || scheme == "grpcs") ? "grpcs" : "grpc";
      else if (scheme != "http" && scheme != "https") scheme = scheme == "grpcs" ? "https" : "http";
      std::string target;
      if (p.dynamic_target) {
        target = ctx.templates.value(*p.dynamic_target, r.loc, "the proxy target");
      } else if (auto u = ctx.pools.upstream.find(p.pool); u != ctx.pools.upstream.end()) {
        target = u->second;
      } else if (auto i = ctx.pools.inline_target.find(p.pool); i != ctx.pools.inline_target.end()) {
        target = i->second;
      } else {
        target = p.pool;
      }
      std::string uri;
      bool uri_vars = false;
      for (const auto& part : p.uri.parts) uri_vars |= part.var != ir::Var::literal;
      bool prefix_location = where && (where->form == LocForm::prefix || where->form == LocForm::noregex ||
                                       where->form == LocForm::exact);
      if (p.uri_mode == ir::UriMode::replace_prefix && !grpc) {
        if (prefix_location && where->path == p.prefix && !uri_vars) {
          uri = ctx.templates.value(p.uri, r.loc, "the upstream URI");
        } else {
          // The same URI by a rewrite: the location cannot carry a URI part here.
          std::string to = ctx.templates.value(p.uri, r.loc, "the upstream URI");
          out.push_back(line("rewrite", {"^" + regex_escape(p.prefix) + "(.*)$", to + "$1", "break"}));
        }
      } else if (p.uri_mode == ir::UriMode::replace && !grpc) {
        std::string to = ctx.templates.value(p.uri, r.loc, "the upstream URI");
        if (uri_vars) uri = to;
        else out.push_back(line("rewrite", {"^", to + "?", "break"}));
      } else if (p.uri_mode != ir::UriMode::unchanged) {
        ctx.losses.warning(r.loc, "nginx's grpc_pass cannot change the request's path");
      }
      if (!uri.empty() && target.rfind("unix:", 0) == 0) target += ":";
      std::string url = scheme + "://" + target + uri;
      out.push_back(line(grpc ? "grpc_pass" : "proxy_pass", {url}));
      break;
    }
  }
  return out;
}

}  // namespace pg::nginx::emitter
