// Sites onto listeners and virtual hosts, with Caddy's automatic HTTPS: a site whose
// address has a host and no http:// is served with TLS on the HTTPS port, with
// certificates made at run time, and its names get an HTTP -> HTTPS redirect (308)
// on the HTTP port.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "caddy/lowerer.h"
#include "caddy/matchers.h"
#include "caddy/route_order.h"
#include "caddy/values.h"

namespace pg::caddy {

namespace {

// reverse_proxy answers 503 only when no upstream is available: an error route that
// answers that status alone (`respond 502`: no body, no header) is what the IR calls the
// answer when no server can be tried. Other errors keep their error page.
void fold_no_server_status(ir::Route& r, const std::vector<ir::Route>& named, std::set<std::string>& folded) {
  for (auto& p : r.error_pages) {
    auto at = std::find(p.codes.begin(), p.codes.end(), 503);
    if (at == p.codes.end()) continue;
    if (p.status_mode != ir::ErrorStatus::from_target || p.target.parts.size() != 1) continue;
    const ir::Route* n = nullptr;
    for (const auto& x : named)
      if (x.name == p.target.parts[0].value) n = &x;
    if (!n || n->action.kind != ir::ActionKind::respond || !n->action.respond || !n->response_headers.empty() ||
        (n->action.respond->body && !n->action.respond->body->parts.empty()))
      continue;
    r.action.proxy->no_server_status = n->action.respond->status;
    p.codes.erase(at);
    folded.insert(n->name);
  }
  std::erase_if(r.error_pages, [](const ir::ErrorPage& p) { return p.codes.empty(); });
}


struct Group {
  int port = 0;
  bool tls = false;
  std::vector<const Address*> addresses;
};

ir::ServerName server_name(const Address& a) {
  ir::ServerName n;
  n.loc = a.loc;
  n.value = a.host;
  if (a.host.size() > 2 && a.host.compare(0, 2, "*.") == 0) n.kind = ir::NameKind::wildcard_prefix;
  return n;
}

// What a site's handlers can fail with, for handle_errors: reverse_proxy's 502 (no
// connection), 503 (no server), 504 (timeout), 500, and the statuses of `error`.
void error_statuses(const std::vector<Item>& items, std::vector<int>& out) {
  for (const auto& it : items) {
    if (it.directive == "error" && it.action && it.action->respond) out.push_back(it.action->respond->status);
    error_statuses(it.children, out);
  }
}

}  // namespace

ir::Config Lowerer::build() {
  const GlobalOptions& g = globals;
  std::map<std::tuple<std::string, int, bool>, int> listener_of;
  auto listener = [&](const std::string& address, int port, bool tls, const SourceLoc& loc) {
    auto key = std::make_tuple(address, port, tls);
    if (auto it = listener_of.find(key); it != listener_of.end()) return it->second;
    ir::Listener li;
    li.loc = loc;
    li.address = address;
    li.port = port;
    li.tls = tls;
    li.http2 = tls ? g.http2 : g.h2c;
    config.listeners.push_back(li);
    int index = static_cast<int>(config.listeners.size()) - 1;
    listener_of[key] = index;
    return index;
  };

  // Hosts with a site of their own on the HTTP port get no automatic redirect.
  std::set<std::string> explicit_http;
  for (const auto& s : sites)
    for (const auto& a : s.addresses)
      if (a.scheme == "http" || (a.scheme.empty() && a.port == g.http_port)) explicit_http.insert(a.host);

  // Caddy refuses one address in two site blocks.
  std::set<std::tuple<std::string, std::string, int, std::string>> seen;
  for (const auto& s : sites)
    for (const auto& a : s.addresses)
      if (!seen.insert({a.scheme, a.host, a.port, a.path}).second)
        error(a.loc, fmt::format("ambiguous site definition: {}", a.original));

  bool uses_logs = false;
  for (auto& site : sites) {
    std::vector<int> statuses = {500, 502, 503, 504};
    error_statuses(site.items, statuses);
    std::sort(statuses.begin(), statuses.end());
    statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
    CompiledErrors errors = compile_error_routes(*this, site, statuses);
    // Addresses grouped by the listener they need.
    std::vector<Group> groups;
    for (const auto& a : site.addresses) {
      Group want;
      if (a.scheme == "http") want = {a.port ? a.port : g.http_port, false, {}};
      else if (a.scheme == "https") want = {a.port ? a.port : g.https_port, true, {}};
      else if (a.host.empty()) want = {a.port ? a.port : g.http_port, a.port == g.https_port, {}};
      else {
        int port = a.port ? a.port : g.https_port;
        want = {port, port != g.http_port, {}};
      }
      bool found = false;
      for (auto& gr : groups)
        if (gr.port == want.port && gr.tls == want.tls) {
          gr.addresses.push_back(&a);
          found = true;
        }
      if (!found) {
        want.addresses.push_back(&a);
        groups.push_back(want);
      }
    }
    for (const auto& gr : groups) {
      std::optional<ir::Matcher> path;
      const std::string& first_path = gr.addresses.front()->path;
      for (const auto* a : gr.addresses)
        if (a->path != first_path)
          error(a->loc, "site addresses on one port with different paths are not supported by proxyglot yet");
      if (!first_path.empty()) path = path_pattern(first_path);
      CompiledSite compiled = compile_routes(*this, site, path);

      ir::VirtualHost vh;
      vh.loc = site.loc;
      bool catch_all = false;
      for (const auto* a : gr.addresses) {
        if (a->host.empty()) catch_all = true;
        else vh.names.push_back(server_name(*a));
      }
      if (catch_all) vh.names.clear();
      std::vector<std::string> binds = site.binds.empty() ? std::vector<std::string>{"0.0.0.0"} : site.binds;
      for (const auto& b : binds) vh.listeners.push_back(listener(b, gr.port, gr.tls, gr.addresses.front()->loc));
      if (gr.tls) {
        ir::TlsSettings t = site.tls.value_or(ir::TlsSettings{});
        // Caddy 2.6's default: TLS 1.2 and 1.3.
        if (t.protocols.empty()) t.protocols = {"TLSv1.2", "TLSv1.3"};
        bool automatic = g.auto_https != "off" && g.auto_https != "disable_certs";
        t.generated_certificates = t.certificates.empty() && (automatic || site.tls_internal);
        if (t.certificates.empty() && !t.generated_certificates)
          diags.warning(site.loc, fmt::format("TLS on port {} with no certificate (auto_https {})", gr.port, g.auto_https));
        vh.tls = std::move(t);
      } else if (site.tls || site.tls_internal) {
        diags.warning(site.loc, fmt::format("tls has no effect on port {}: the site is served over plain HTTP", gr.port));
      }
      vh.rewrites = std::move(compiled.rewrites);
      // Caddy runs handle_errors for the errors its handlers return (reverse_proxy's
      // failures, `error`), not for an upstream's answer nor a `respond` status.
      std::set<std::string> folded;
      if (!errors.pages.empty())
        for (size_t k = 0; k < compiled.routes.size(); ++k)
          if (compiled.directives[k] == "error" || compiled.routes[k].action.kind == ir::ActionKind::proxy) {
            compiled.routes[k].error_pages = errors.pages;
            if (compiled.routes[k].action.kind == ir::ActionKind::proxy)
              fold_no_server_status(compiled.routes[k], errors.named_routes, folded);
          }
      // Error routes no page reaches any more are left out.
      std::erase_if(errors.named_routes, [&](const ir::Route& n) {
        if (!folded.count(n.name)) return false;
        for (const auto& r : compiled.routes)
          for (const auto& p : r.error_pages)
            if (p.target.parts.size() == 1 && p.target.parts[0].value == n.name) return false;
        return true;
      });
      vh.routes = std::move(compiled.routes);
      vh.named_routes = errors.named_routes;
      vh.fallback = std::move(compiled.fallback);
      uses_logs = uses_logs || !site.logs.empty();
      config.virtual_hosts.push_back(std::move(vh));
      int vi = static_cast<int>(config.virtual_hosts.size()) - 1;
      for (int l : config.virtual_hosts.back().listeners)
        if (catch_all && !config.listeners[static_cast<size_t>(l)].default_virtual_host)
          config.listeners[static_cast<size_t>(l)].default_virtual_host = vi;

      // Automatic HTTP -> HTTPS redirect, only for the default HTTPS port (as Caddy).
      bool redirects = g.auto_https == "on" || g.auto_https == "disable_certs" || g.auto_https == "ignore_loaded_certs";
      if (!gr.tls || catch_all || !redirects || gr.port != g.https_port) continue;
      ir::VirtualHost rv;
      rv.loc = site.loc;
      for (const auto* a : gr.addresses)
        if (!explicit_http.count(a->host)) rv.names.push_back(server_name(*a));
      if (rv.names.empty()) continue;
      for (const auto& b : binds) rv.listeners.push_back(listener(b, g.http_port, false, site.loc));
      ir::Route r;
      r.loc = site.loc;
      r.name = "automatic HTTPS redirect";
      r.limits = client_limits();
      r.action.kind = ir::ActionKind::redirect;
      ir::Template to{{{ir::Var::literal, "https://"}, {ir::Var::host, ""}}};
      if (g.https_port != 443) to.parts.push_back({ir::Var::literal, fmt::format(":{}", g.https_port)});
      to.parts.push_back({ir::Var::request_uri, ""});
      r.action.redirect = ir::RedirectAction{308, std::move(to)};
      rv.fallback = r;
      rv.fallback.name = "fallback";
      rv.routes.push_back(std::move(r));
      config.virtual_hosts.push_back(std::move(rv));
    }
  }
  if (uses_logs) {
    ir::LogFormat f;
    f.name = "caddy_json";
    f.escape = ir::LogEscape::json;
    auto lit = [](std::string s) { return ir::TemplatePart{ir::Var::literal, std::move(s)}; };
    // Caddy 2.6's access log entry, without the request and response header maps.
    f.format.parts = {lit("{\"level\":\"info\",\"ts\":"), {ir::Var::msec, ""},
                      lit(",\"logger\":\"http.log.access\",\"msg\":\"handled request\",\"request\":{\"remote_ip\":\""),
                      {ir::Var::client_address, ""}, lit("\",\"remote_port\":\""), {ir::Var::client_port, ""},
                      lit("\",\"proto\":\""), {ir::Var::protocol, ""}, lit("\",\"method\":\""),
                      {ir::Var::method, ""}, lit("\",\"host\":\""), {ir::Var::request_header, "host"},
                      lit("\",\"uri\":\""), {ir::Var::request_uri, ""},
                      lit("\"},\"user_id\":\"\",\"duration\":"), {ir::Var::request_time, ""},
                      lit(",\"size\":"), {ir::Var::body_bytes_sent, ""}, lit(",\"status\":"),
                      {ir::Var::status, ""}, lit("}")};
    config.log_formats.push_back(f);
    ir::LogFormat console = f;
    console.name = "caddy_console";
    config.log_formats.push_back(console);
  }
  return std::move(config);
}

}  // namespace pg::caddy
