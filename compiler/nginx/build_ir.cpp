// From collected scopes to the IR: inheritance resolved, nginx's defaults written in,
// listeners shared between servers, locations ordered into routes.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "nginx/builtin_responses.h"
#include "nginx/lowerer.h"
#include "ir/matchers.h"
#include "nginx/route_order.h"
#include "nginx/values.h"
#include "ir/text.h"

namespace pg::nginx {

namespace {

using ir::iequals;


ir::Template literal(std::string s) {
  ir::Template t;
  if (!s.empty()) t.parts.push_back({ir::Var::literal, std::move(s)});
  return t;
}

ir::Template variable(ir::Var v) {
  ir::Template t;
  t.parts.push_back({v, ""});
  return t;
}

// nginx's combined format, predefined.
ir::LogFormat combined_format() {
  using V = ir::Var;
  ir::LogFormat f;
  f.name = "combined";
  auto& p = f.format.parts;
  p = {{V::client_address, ""}, {V::literal, " - "}, {V::remote_user, ""}, {V::literal, " ["},
       {V::time_local, ""}, {V::literal, "] \""}, {V::request_line, ""}, {V::literal, "\" "},
       {V::status, ""}, {V::literal, " "}, {V::body_bytes_sent, ""}, {V::literal, " \""},
       {V::request_header, "referer"}, {V::literal, "\" \""}, {V::request_header, "user-agent"},
       {V::literal, "\""}};
  return f;
}

class Builder {
 public:
  Builder(Lowerer& l, HttpScope& http, Diagnostics& diags) : l_(l), http_(http), diags_(diags) {}

  void build(ir::Config& c);

 private:
  void build_server(ir::Config& c, ServerNode& s, int index);
  void head_limits(const Settings& eff, ir::ClientLimits& limits);
  void absolute_redirects(ir::Config& c);
  void effective(std::vector<LocationNode>& level, const Settings& parent);
  ir::Route route_for(const LocationNode* node, const Settings& eff, const SourceLoc& loc,
                      const std::string& name);
  ir::ProxyAction proxy_action(const ProxyPass& pp, const LocationNode& node, const Settings& eff,
                               std::vector<ir::HeaderOp>& request_headers);
  std::string pool_for(const ProxyPass& pp);
  bool is_upstream(const std::string& name) const { return upstream_names_.count(name) > 0; }

  Lowerer& l_;
  HttpScope& http_;
  Diagnostics& diags_;
  ir::Config* config_ = nullptr;
  std::unordered_set<std::string> upstream_names_;
  std::unordered_set<std::string> implicit_pools_;
  std::map<std::pair<std::string, int>, int> listener_index_;
  std::map<int, bool> explicit_default_;
  std::set<std::pair<std::string, int>> warned_timeouts_;
};

// Each location's settings become its effective ones (its own, else inherited):
// nothing needs the unmerged values once lowering is done.
void Builder::effective(std::vector<LocationNode>& level, const Settings& parent) {
  for (auto& n : level) {
    n.settings = merge(n.settings, parent);
    effective(n.children, n.settings);
  }
}

std::string Builder::pool_for(const ProxyPass& pp) {
  if (is_upstream(pp.target)) return pp.target;
  auto& pools = config_->pools;
  if (!implicit_pools_.insert(pp.target).second) return pp.target;
  // A proxy_pass to an address is a pool of one server with nginx's server defaults.
  ir::Pool pool;
  pool.loc = pp.loc;
  pool.name = pp.target;
  pool.implicit = true;
  auto hp = parse_host_port(pp.target);
  ir::UpstreamServer s;
  s.loc = pp.loc;
  s.address = hp ? hp->host : pp.target;
  bool tls = pp.scheme == "https" || pp.scheme == "grpcs";
  s.port = s.address.rfind("unix:", 0) == 0 ? 0 : (hp && hp->port ? hp->port : (tls ? 443 : 80));
  pool.servers.push_back(std::move(s));
  pools.push_back(std::move(pool));
  return pp.target;
}

ir::ProxyAction Builder::proxy_action(const ProxyPass& pp, const LocationNode& node,
                                      const Settings& eff, std::vector<ir::HeaderOp>& headers) {
  ir::ProxyAction a;
  a.set_headers_first = true;  // nginx writes its proxy_set_header fields before the client's
  a.scheme = pp.scheme;
  if (pp.dynamic) {
    a.dynamic_target = l_.tmpl(pp.target, pp.loc);
  } else {
    a.pool = pool_for(pp);
    a.authority = pp.target;
  }
  if (pp.has_uri) {
    auto uri = l_.tmpl(pp.uri, pp.loc);
    if (uri) a.uri = std::move(*uri);
    if (pp.dynamic_uri) {  // nginx: with variables, the URI part is the whole URI
      a.uri_mode = ir::UriMode::replace;
    } else {
      a.uri_mode = ir::UriMode::replace_prefix;
      a.prefix = node.path;
    }
  }

  // Request headers: the configured ones, then nginx's defaults for the fields they
  // do not name (ngx_http_proxy_headers / ngx_http_grpc_headers).
  headers = pp.grpc ? eff.grpc_headers.value_or(std::vector<ir::HeaderOp>{})
                    : eff.proxy_headers.value_or(std::vector<ir::HeaderOp>{});
  auto named = [&](const std::string& n) {
    return std::any_of(headers.begin(), headers.end(), [&](const ir::HeaderOp& h) { return iequals(h.name, n); });
  };
  std::vector<ir::HeaderOp> defaults;
  auto def = [&](ir::HeaderOpKind op, const char* name, ir::Template v) {
    if (!named(name)) defaults.push_back(ir::HeaderOp{SourceLoc{}, op, name, std::move(v), true, {}});
  };
  if (pp.grpc) {
    def(ir::HeaderOpKind::set, "Host", variable(ir::Var::upstream_host));
    def(ir::HeaderOpKind::set, "TE", literal("trailers"));
    for (const char* h : {"Connection", "Transfer-Encoding", "Keep-Alive", "Expect", "Upgrade"})
      def(ir::HeaderOpKind::remove, h, {});
  } else {
    def(ir::HeaderOpKind::set, "Host", variable(ir::Var::upstream_host));
    def(ir::HeaderOpKind::set, "Connection", literal("close"));
    for (const char* h : {"TE", "Keep-Alive", "Expect", "Upgrade"}) def(ir::HeaderOpKind::remove, h, {});
  }
  for (auto& d : defaults) headers.push_back(std::move(d));

  if (pp.grpc) {
    a.protocol = ir::UpstreamProtocol::grpc;
    a.buffering.response = false;  // gRPC streams
    a.redirect_rewrite.mode = ir::RedirectRewriteMode::off;
    a.retry.on = {ir::RetryOn::error, ir::RetryOn::timeout};
    if (eff.grpc_connect_timeout) a.timeouts.connect_ms = *eff.grpc_connect_timeout;
    if (eff.grpc_send_timeout) a.timeouts.send_ms = *eff.grpc_send_timeout;
    if (eff.grpc_read_timeout) a.timeouts.read_ms = *eff.grpc_read_timeout;
    return a;
  }
  a.protocol = eff.proxy_http_version.value_or(ir::UpstreamProtocol::http1_0);
  // nginx tunnels an Upgrade only over HTTP/1.1 and only when the Upgrade field is
  // passed on (proxy_set_header Upgrade ...).
  a.upgrade = a.protocol == ir::UpstreamProtocol::http1_1 &&
              std::any_of(headers.begin(), headers.end(), [](const ir::HeaderOp& h) {
                return iequals(h.name, "Upgrade") && h.op == ir::HeaderOpKind::set;
              });
  if (eff.connect_timeout) a.timeouts.connect_ms = *eff.connect_timeout;
  if (eff.send_timeout) a.timeouts.send_ms = *eff.send_timeout;
  if (eff.read_timeout) a.timeouts.read_ms = *eff.read_timeout;
  if (eff.buffering) a.buffering.response = *eff.buffering;
  if (eff.request_buffering) a.buffering.request = *eff.request_buffering;
  if (eff.buffer_size) a.buffering.header_buffer_bytes = *eff.buffer_size;
  if (eff.buffers) {
    a.buffering.body_buffers = eff.buffers->first;
    a.buffering.body_buffer_bytes = eff.buffers->second;
  }
  a.retry.on = eff.next_upstream.value_or(std::vector<ir::RetryOn>{ir::RetryOn::error, ir::RetryOn::timeout});
  a.retry.max_tries = eff.next_upstream_tries.value_or(0);
  a.retry.timeout_ms = eff.next_upstream_timeout.value_or(0);
  if (eff.proxy_redirect) a.redirect_rewrite = *eff.proxy_redirect;
  return a;
}

// The request head's limits (client_header_buffer_size, large_client_header_buffers)
// and the client inactivity timeout (client_header_timeout, client_body_timeout,
// send_timeout: the IR has one, the largest).
void Builder::head_limits(const Settings& eff, ir::ClientLimits& limits) {
  int64_t first = eff.client_header_buffer_size.value_or(1024);
  auto large = eff.large_client_header_buffers.value_or(std::pair<int, int64_t>{4, 8192});
  // A line fits the first buffer, or else one large buffer; the head all of them.
  limits.header_block_bytes = std::max<int64_t>(first, large.first * large.second);
  limits.header_line_bytes = limits.request_line_bytes = std::max<int64_t>(first, large.second);

  const std::pair<const char*, const Opt<std::pair<int64_t, SourceLoc>>*> timeouts[] = {
      {"client_header_timeout", &eff.client_header_timeout},
      {"client_body_timeout", &eff.client_body_timeout},
      {"send_timeout", &eff.client_send_timeout}};
  int64_t largest = 0;
  std::set<int64_t> values;
  SourceLoc at;
  for (auto [name, t] : timeouts) {
    int64_t v = *t ? (*t)->first : 60000;  // nginx's default for each
    values.insert(v);
    if (v >= largest) {
      largest = v;
      if (*t) at = (*t)->second;
    }
  }
  limits.idle_timeout_ms = largest;
  for (auto [name, t] : timeouts)
    if (!at.line && *t) at = (*t)->second;
  if (values.size() > 1 && warned_timeouts_.insert({std::string(at.file.view()), at.line}).second) {
    std::vector<std::string> parts;
    for (auto [name, t] : timeouts)
      parts.push_back(fmt::format("{} {}ms", name, *t ? (*t)->first : 60000));
    diags_.warning(at, fmt::format("proxyglot has one client inactivity timeout for the request head, its body and "
                                   "the response: {} differ, the largest ({}ms) applies to all three",
                                   fmt::join(parts, ", "), largest));
  }
}

// nginx's absolute_redirect is set per location; the IR holds one value for all.
void Builder::absolute_redirects(ir::Config& c) {
  Opt<std::pair<bool, SourceLoc>> first;
  bool reported = false;
  auto check = [&](const Settings& eff) {
    std::pair<bool, SourceLoc> v = eff.absolute_redirect.value_or(std::pair<bool, SourceLoc>{true, SourceLoc{}});
    if (!first) {
      first = v;
      return;
    }
    if (v.first == first->first || reported) return;
    reported = true;
    const SourceLoc& at = v.second.line ? v.second : first->second;
    const SourceLoc& other = v.second.line ? first->second : v.second;
    diags_.error(at, fmt::format("\"absolute_redirect {}\" here, \"{}\" elsewhere{}: proxyglot applies one "
                                 "absolute_redirect to the whole configuration",
                                 v.first ? "on" : "off", first->first ? "on" : "off",
                                 other.line ? fmt::format(" (line {})", other.line) : std::string(" (the default)")));
  };
  std::function<void(const std::vector<LocationNode>&)> walk = [&](const std::vector<LocationNode>& level) {
    for (const auto& n : level) {
      check(n.settings);
      walk(n.children);
    }
  };
  for (const auto& s : http_.servers) {
    check(merge(s.settings, http_.settings));
    walk(s.locations);  // already effective
  }
  if (first) c.responses.absolute_redirects = first->first;
}

ir::Route Builder::route_for(const LocationNode* node, const Settings& eff, const SourceLoc& loc,
                             const std::string& name) {
  ir::Route r;
  r.loc = loc;
  r.name = name;
  if (eff.access) r.access = *eff.access;
  if (eff.add_headers) r.response_headers = *eff.add_headers;
  if (eff.error_pages) r.error_pages = *eff.error_pages;
  if (eff.client_max_body_size) r.limits.max_body_bytes = *eff.client_max_body_size;
  if (eff.keepalive_timeout) r.limits.keepalive_timeout_ms = *eff.keepalive_timeout;
  head_limits(eff, r.limits);
  if (eff.default_type) r.default_type = *eff.default_type;
  if (eff.access_logs) r.access_logs = *eff.access_logs;
  else r.access_logs.push_back(ir::AccessLog{SourceLoc{}, "/var/log/nginx/access.log", "combined"});
  if (!node) return r;  // the server's own settings: nginx would serve files

  r.internal = node->internal;
  // The first `return` always answers: it is the route's action; steps after it
  // never run.
  auto ret = std::find_if(node->rewrites.begin(), node->rewrites.end(), [](const ir::RewriteStep& s) {
    return s.kind != ir::RewriteKind::rewrite;
  });
  r.rewrites.assign(node->rewrites.begin(), ret);
  if (ret != node->rewrites.end()) {
    if (ret + 1 != node->rewrites.end())
      diags_.warning((ret + 1)->loc, fmt::format("never reached: the return at line {} always answers first", ret->loc.line));
    if (node->proxy)
      diags_.warning(node->proxy->loc, fmt::format("\"{}\" is never used: the return at line {} always answers first",
                                                   node->proxy->grpc ? "grpc_pass" : "proxy_pass", ret->loc.line));
    if (ret->kind == ir::RewriteKind::redirect) {
      r.action.kind = ir::ActionKind::redirect;
      r.action.redirect = ir::RedirectAction{ret->status, ret->replacement};
    } else {
      r.action.kind = ir::ActionKind::respond;
      r.action.respond = ir::RespondAction{ret->status, std::nullopt};
      if (ret->has_body) r.action.respond->body = ret->replacement;
    }
  } else if (node->proxy) {
    r.action.kind = ir::ActionKind::proxy;
    r.action.proxy = proxy_action(*node->proxy, *node, eff, r.request_headers);
    if (!node->proxy->grpc && eff.hide_headers) {
      // nginx hides the upstream's fields, then adds its add_header fields.
      std::vector<ir::HeaderOp> ops;
      for (const auto& h : *eff.hide_headers) {
        // Fields nginx hides and writes itself anyway: hiding them changes nothing.
        std::string n = ir::to_lower(h.name);
        if (n == "date" || n == "server" || n == "x-pad" || n.rfind("x-accel-", 0) == 0) continue;
        ops.push_back(h);
      }
      r.response_headers.insert(r.response_headers.begin(), ops.begin(), ops.end());
    }
  } else {
    r.action.kind = ir::ActionKind::static_files;
    bool only_rewrites_out = std::any_of(node->rewrites.begin(), node->rewrites.end(), [](const ir::RewriteStep& s) {
      return s.flag == ir::RewriteFlag::last || s.flag == ir::RewriteFlag::redirect;
    });
    if (!only_rewrites_out || node->rewrites.empty())
      diags_.warning(node->loc, fmt::format("{} has no proxy_pass, grpc_pass or return: nginx would serve "
                                            "static files here, which proxyglot does not; it answers 404",
                                            node->label));
  }
  return r;
}

void Builder::build_server(ir::Config& c, ServerNode& s, int index) {
  Settings eff = merge(s.settings, http_.settings);
  ir::VirtualHost vh;
  vh.loc = s.loc;
  vh.names = s.names;
  vh.rewrites = s.rewrites;

  bool any_tls = false;
  for (const auto& ls : s.listens) {
    auto key = std::make_pair(ls.address, ls.port);
    auto it = listener_index_.find(key);
    int li;
    if (it == listener_index_.end()) {
      li = static_cast<int>(c.listeners.size());
      listener_index_[key] = li;
      ir::Listener L;
      L.loc = ls.loc;
      L.address = ls.address;
      L.port = ls.port;
      c.listeners.push_back(std::move(L));
    } else {
      li = it->second;
    }
    if (std::find(vh.listeners.begin(), vh.listeners.end(), li) != vh.listeners.end()) {
      diags_.error(ls.loc, fmt::format("a duplicate listen {}:{}", ls.address, ls.port));
      continue;
    }
    vh.listeners.push_back(li);
    auto& L = c.listeners[static_cast<size_t>(li)];
    L.tls |= ls.ssl;  // ssl and http2 belong to the address, whichever server says so
    L.http2 |= ls.http2;
    if (ls.default_server) {
      if (explicit_default_[li]) {
        diags_.error(ls.loc, fmt::format("a duplicate default server for {}:{}", ls.address, ls.port));
      } else {
        explicit_default_[li] = true;
        L.default_virtual_host = index;
      }
    } else if (!L.default_virtual_host) {
      L.default_virtual_host = index;
    }
    any_tls |= ls.ssl;
  }

  if (eff.ssl_certificates || any_tls) {
    ir::TlsSettings tls;
    // nginx 1.22's default; 1.23.4 added TLSv1.3 to it (docs/nginx.md).
    tls.protocols = eff.ssl_protocols.value_or(std::vector<std::string>{"TLSv1", "TLSv1.1", "TLSv1.2"});
    const auto certs = eff.ssl_certificates.value_or(std::vector<std::string>{});
    const auto keys = eff.ssl_certificate_keys.value_or(std::vector<std::string>{});
    if (any_tls && certs.empty()) {
      for (const auto& ls : s.listens)
        if (ls.ssl) {
          diags_.error(ls.loc, "no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive");
          break;
        }
    }
    for (size_t i = 0; i < certs.size(); ++i) {
      if (i >= keys.size()) {
        diags_.error(eff.ssl_certificate_loc, fmt::format("no \"ssl_certificate_key\" is defined for certificate \"{}\"", certs[i]));
        break;
      }
      tls.certificates.push_back(ir::Certificate{eff.ssl_certificate_loc, certs[i], keys[i]});
    }
    vh.tls = std::move(tls);
  }

  if (eff.real_ip_from) vh.real_ip.trusted = *eff.real_ip_from;
  if (eff.real_ip_header) vh.real_ip.header = *eff.real_ip_header;
  if (eff.real_ip_recursive) vh.real_ip.recursive = *eff.real_ip_recursive;

  effective(s.locations, eff);
  auto ordered = order_locations(s.locations);
  vh.routes.reserve(ordered.size());
  for (auto& entry : ordered) {
    const LocationNode& n = *entry.node;
    const Settings& le = n.settings;
    if (entry.auto_redirect) {
      ir::Route r = route_for(nullptr, le, n.loc, n.label + " (redirect to add its trailing slash)");
      r.match = std::move(entry.match);
      r.action.kind = ir::ActionKind::redirect;
      ir::Template to = literal(n.path);
      to.parts.push_back({ir::Var::query_mark, ""});
      to.parts.push_back({ir::Var::query, ""});
      r.action.redirect = ir::RedirectAction{301, std::move(to)};
      vh.routes.push_back(std::move(r));
      continue;
    }
    ir::Route r = route_for(&n, le, n.loc, n.label);
    r.match = std::move(entry.match);
    vh.routes.push_back(std::move(r));
  }
  for (const auto& n : s.locations) {
    if (n.kind != LocKind::named) continue;
    ir::Route r = route_for(&n, n.settings, n.loc, "location " + n.path);
    r.match = ir::always();
    vh.named_routes.push_back(std::move(r));
  }
  vh.fallback = route_for(nullptr, eff, s.loc, "server (no location matched)");
  vh.fallback.match = ir::always();
  c.virtual_hosts.push_back(std::move(vh));
}

void Builder::build(ir::Config& c) {
  config_ = &c;
  for (const auto& u : http_.upstreams) upstream_names_.insert(u.pool.name);
  for (auto& u : http_.upstreams) {
    auto policy = u.pool.balancing.policy;
    if (policy == ir::Balance::ip_hash || policy == ir::Balance::hash || policy == ir::Balance::random) {
      for (const auto& s : u.pool.servers)
        if (s.backup)
          diags_.error(s.loc, fmt::format("\"backup\" servers cannot be used with the \"{}\" balancing method "
                                          "(nginx: invalid parameter \"backup\")",
                                          policy == ir::Balance::ip_hash ? "ip_hash"
                                          : policy == ir::Balance::hash  ? "hash" : "random"));
    }
    c.pools.push_back(u.pool);
  }
  c.maps = http_.maps;
  c.log_formats.push_back(combined_format());
  for (const auto& f : http_.log_formats) c.log_formats.push_back(f);
  for (size_t i = 0; i < http_.servers.size(); ++i) build_server(c, http_.servers[i], static_cast<int>(i));
  absolute_redirects(c);
}

}  // namespace

ir::Config Lowerer::build() {
  ir::Config c;
  c.source_dialect = "nginx";
  c.responses = builtin_responses();
  c.loc = SourceLoc{file_, 1, 1};
  c.globals = globals_;
  if (c.globals.error_logs.empty())
    c.globals.error_logs.push_back(ir::LogTarget{SourceLoc{}, "/var/log/nginx/error.log", "error"});
  Builder(*this, http_, diags_).build(c);
  return c;
}

}  // namespace pg::nginx
