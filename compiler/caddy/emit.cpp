// The caddy emitter: IR -> Caddyfile. This file: the global options and the site
// blocks (listeners and server names as site addresses, automatic HTTPS, tls, bind,
// log); emit_routes.cpp writes each site's routes, emit_proxy.cpp its reverse_proxy.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "caddy/emit_context.h"
#include "emit/emit_text.h"
#include "emit/pool_state.h"
#include "emitters.h"
#include "ir/text.h"

namespace pg::caddy {

namespace {

constexpr int kHttpPort = 80;
constexpr int kHttpsPort = 443;

// The redirect Caddy's automatic HTTPS makes for a name on the HTTPS port (build_ir.cpp).
bool automatic_redirect(const ir::Config& c, const ir::VirtualHost& vh) {
  if (vh.tls || vh.routes.size() != 1 || vh.names.empty() || !vh.rewrites.empty()) return false;
  for (int l : vh.listeners)
    if (c.listeners[static_cast<size_t>(l)].port != kHttpPort || c.listeners[static_cast<size_t>(l)].tls) return false;
  const ir::Route& r = vh.routes[0];
  if (r.action.kind != ir::ActionKind::redirect || !r.action.redirect || r.action.redirect->status != 308) return false;
  const auto& p = r.action.redirect->location.parts;
  return p.size() == 3 && p[0].var == ir::Var::literal && p[0].value == "https://" && p[1].var == ir::Var::host &&
         p[2].var == ir::Var::request_uri && r.match.op == ir::MatchOp::all && r.match.children.empty();
}

struct Group {  // the listeners of one port and TLS setting
  int port = 0;
  bool tls = false;
  std::set<std::string> addresses;
  SourceLoc loc;
};

std::string bracket(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

// A site address for `name` ("" for every name) on `g`, as Caddy reads it back.
std::string site_address(const std::string& name, const Group& g) {
  if (g.tls) {
    if (name.empty()) return fmt::format("https://:{}", g.port);
    if (g.port == kHttpsPort) return bracket(name);
    return g.port == kHttpPort ? fmt::format("https://{}:{}", bracket(name), g.port) : fmt::format("{}:{}", bracket(name), g.port);
  }
  if (name.empty()) return g.port == kHttpsPort ? fmt::format("http://:{}", g.port) : fmt::format(":{}", g.port);
  if (g.port == kHttpPort) return "http://" + bracket(name);
  return fmt::format("http://{}:{}", bracket(name), g.port);
}

std::string level_name(const std::string& level) {
  if (level == "debug") return "DEBUG";
  if (level == "warn") return "WARN";
  if (level == "error" || level == "crit" || level == "alert" || level == "emerg") return "ERROR";
  return "INFO";
}

// `log` output for a path; nullopt when Caddy has none for it.
std::optional<std::string> log_output(const std::string& path) {
  if (path == "stderr" || path == "stdout" || path == "discard") return path;
  if (path.rfind("syslog:", 0) == 0 || path.empty()) return std::nullopt;
  return "file " + token(path);
}

class SiteWriter {
 public:
  SiteWriter(EmitContext& cx, Writer& w) : cx_(cx), w_(w) {}

  // Returns where the global options end in the text (the sites follow).
  size_t run();

 private:
  void site(const ir::VirtualHost& vh, size_t index, const std::vector<Group>& groups);
  void access_log(const ir::VirtualHost& vh);

  EmitContext& cx_;
  Writer& w_;
  std::set<std::string> used_addresses_;
  std::set<std::string> warned_formats_;
  std::vector<bool> skip_;
};

size_t SiteWriter::run() {
  const ir::Config& c = cx_.config;
  // Automatic HTTPS: Caddy makes an HTTP->HTTPS redirect for each name on the HTTPS port
  // that has no site of its own on the HTTP port. Keep the ones the IR has, or turn
  // them off and write what the IR has.
  std::set<std::string> https_names, http_names, redirect_names;
  skip_.assign(c.virtual_hosts.size(), false);
  for (const auto& vh : c.virtual_hosts) {
    bool redirect = automatic_redirect(c, vh);
    for (int l : vh.listeners) {
      const auto& li = c.listeners[static_cast<size_t>(l)];
      for (const auto& n : vh.names) {
        if (li.tls && li.port == kHttpsPort) https_names.insert(n.value);
        if (!li.tls && li.port == kHttpPort) (redirect ? redirect_names : http_names).insert(n.value);
      }
    }
  }
  bool need_off = false;
  for (const auto& n : https_names)
    if (!http_names.count(n) && !redirect_names.count(n)) need_off = true;
  for (const auto& n : redirect_names)
    if (!https_names.count(n)) need_off = true;
  if (!need_off)
    for (size_t i = 0; i < c.virtual_hosts.size(); ++i) skip_[i] = automatic_redirect(c, c.virtual_hosts[i]);

  // HTTP/2 on TLS listeners: Caddy's servers option, for every listener at once.
  bool any_h2 = false, any_h1 = false;
  for (const auto& li : c.listeners)
    if (li.tls) (li.http2 ? any_h2 : any_h1) = true;
  if (any_h2 && any_h1)
    for (const auto& li : c.listeners)
      if (li.tls && !li.http2) cx_.cannot(li.loc, "HTTP/2 on some TLS listeners only", "every TLS listener offers HTTP/2");

  // Global options.
  std::vector<std::string> globals;
  if (need_off) globals.push_back("auto_https disable_redirects");
  std::vector<std::string> logs;
  for (const auto& t : c.globals.error_logs) {
    auto out = log_output(t.path);
    if (!out) {
      cx_.cannot(t.loc, fmt::format("the error log {}", t.path), "Caddy logs to stderr");
      continue;
    }
    if (!logs.empty()) {
      cx_.cannot(t.loc, fmt::format("a second error log {}", t.path), "only the first is written");
      continue;
    }
    logs.push_back("output " + *out);
    if (!t.level.empty() && level_name(t.level) != "INFO") logs.push_back("level " + level_name(t.level));
  }
  {
    const ir::Globals& g = c.globals;
    std::vector<std::string> what;
    if (g.worker_threads) what.push_back(fmt::format("{} worker threads", *g.worker_threads));
    if (g.worker_connections != 512) what.push_back(fmt::format("{} connections per worker", g.worker_connections));
    if (!g.user.empty()) what.push_back("user " + g.user);
    if (!g.pid_file.empty()) what.push_back("pid file " + g.pid_file);
    if (!what.empty())
      cx_.cannot(c.loc, fmt::format("the process settings {}", fmt::join(what, ", ")),
                 "Caddy runs with Go's scheduler and no connection cap, as the user that starts it (caddy run --pidfile writes a pid file)");
  }
  std::set<std::string> dispatch_maps;  // written as header matchers (emit_routes.cpp)
  for (const auto& vh : c.virtual_hosts)
    for (const auto& r : vh.routes) {
      std::string name;
      if (map_dispatch_routes(cx_, r, &name)) dispatch_maps.insert(name);
    }
  for (const auto& m : c.maps)
    if (!dispatch_maps.count(m.name))
      cx_.cannot(m.loc, fmt::format("the map ${} (proxyglot's Caddyfile front end does not read Caddy's map)", m.name),
               "values taken from it are left out");
  bool h1_only = any_h1 && !any_h2;
  if (!globals.empty() || !logs.empty() || h1_only) {
    w_.open("");
    for (const auto& g : globals) w_.line(g);
    if (h1_only) {
      w_.open("servers");
      w_.line("protocols h1");
      w_.close();
    }
    if (!logs.empty()) {
      w_.open("log");
      for (const auto& l : logs) w_.line(l);
      w_.close();
    }
    w_.close();
  }
  const size_t globals_end = w_.text().size();

  for (size_t i = 0; i < c.virtual_hosts.size(); ++i) {
    if (skip_[i]) continue;
    const auto& vh = c.virtual_hosts[i];
    // Listeners by port and TLS; one site block per set of bind addresses.
    std::vector<Group> groups;
    for (int l : vh.listeners) {
      const auto& li = c.listeners[static_cast<size_t>(l)];
      auto g = std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.port == li.port && x.tls == li.tls; });
      if (g == groups.end()) {
        groups.push_back(Group{li.port, li.tls, {}, li.loc});
        g = groups.end() - 1;
      }
      g->addresses.insert(li.address);
    }
    // Caddy configures TLS per site: plain HTTP and TLS addresses go to separate blocks.
    std::map<std::pair<bool, std::set<std::string>>, std::vector<Group>> by_binds;
    for (auto& g : groups) {
      std::set<std::string> binds = g.addresses;
      g.addresses = binds;
      by_binds[{g.tls, binds}].push_back(g);
    }
    for (const auto& [binds, gs] : by_binds) site(vh, i, gs);
  }
  return globals_end;
}

void SiteWriter::site(const ir::VirtualHost& vh, size_t index, const std::vector<Group>& groups) {
  const ir::Config& c = cx_.config;
  std::vector<std::string> names;
  for (const auto& n : vh.names) {
    if (n.kind == ir::NameKind::exact || n.kind == ir::NameKind::wildcard_prefix) {
      if (n.value.empty() || n.value == "_") continue;  // nginx's catch-all spellings
      names.push_back(ir::to_lower(n.value));
    } else {
      cx_.cannot(n.loc, fmt::format("the server name {}", n.value),
                 "Caddy site addresses take exact names and *.wildcards only: it is left out");
    }
  }
  std::vector<std::string> addresses;
  for (const auto& g : groups) {
    // The listener's default host answers every other name too.
    bool is_default = false;
    for (int l : vh.listeners) {
      const auto& li = c.listeners[static_cast<size_t>(l)];
      if (li.port == g.port && li.tls == g.tls && li.default_virtual_host && static_cast<size_t>(*li.default_virtual_host) == index)
        is_default = true;
    }
    std::vector<std::string> list = names;
    if (names.empty() || (is_default && !g.tls)) list.push_back("");
    for (const auto& n : list) {
      std::string a = site_address(n, g);
      if (!used_addresses_.insert(a).second) {
        cx_.cannot(vh.loc, fmt::format("a second site for {}", a), "Caddy serves one site per address: this one is left out of it");
        continue;
      }
      addresses.push_back(a);
    }
  }
  if (addresses.empty()) return;
  cx_.matcher_names.clear();
  w_.blank();
  w_.comment(emit::source_comment(vh.loc));
  w_.open(fmt::format("{}", fmt::join(addresses, ", ")));
  const Group& g = groups.front();
  if (g.addresses != std::set<std::string>{"0.0.0.0"}) {
    std::vector<std::string> binds(g.addresses.begin(), g.addresses.end());
    w_.line(fmt::format("bind {}", fmt::join(binds, " ")));
  }
  bool tls_group = std::any_of(groups.begin(), groups.end(), [](const Group& x) { return x.tls; });
  if (vh.tls && tls_group) {
    const ir::TlsSettings& t = *vh.tls;
    std::vector<std::string> protocols;
    for (const auto& p : t.protocols) {
      if (p == "TLSv1.2") protocols.push_back("tls1.2");
      else if (p == "TLSv1.3") protocols.push_back("tls1.3");
    }
    bool default_protocols = protocols.size() == 2 && t.protocols.size() == 2;
    if (!protocols.empty() && protocols.size() < t.protocols.size())
      cx_.cannot(vh.loc, fmt::format("the TLS protocols {}", fmt::join(t.protocols, " ")), "Caddy offers TLS 1.2 and 1.3 only");
    std::string head;
    if (!t.certificates.empty()) head = "tls " + token(t.certificates[0].certificate) + " " + token(t.certificates[0].key);
    for (size_t k = 1; k < t.certificates.size(); ++k)
      cx_.cannot(t.certificates[k].loc, fmt::format("a second certificate {}", t.certificates[k].certificate),
                 "only the first is loaded");
    if (t.certificates.empty() && !t.generated_certificates)
      cx_.cannot(vh.loc, "TLS without a certificate", "Caddy makes certificates for the names");
    if (!default_protocols && !protocols.empty()) {
      w_.open(head.empty() ? "tls" : head);
      w_.line("protocols " + protocols.front() + (protocols.size() > 1 ? " " + protocols.back() : ""));
      w_.close();
    } else if (!head.empty()) {
      w_.line(head);
    }
  }
  access_log(vh);
  emit_site_body(cx_, w_, vh);
  w_.close();
}

void SiteWriter::access_log(const ir::VirtualHost& vh) {
  const std::vector<ir::AccessLog>* logs = nullptr;
  for (const auto& r : vh.routes)
    if (!r.internal) {
      logs = &r.access_logs;
      break;
    }
  if (!logs) logs = &vh.fallback.access_logs;
  if (logs->empty()) return;
  const ir::AccessLog& a = logs->front();
  for (size_t k = 1; k < logs->size(); ++k)
    cx_.cannot((*logs)[k].loc, fmt::format("a second access log {}", (*logs)[k].path), "only the first is written");
  auto out = log_output(a.path);
  if (!out) {
    cx_.cannot(a.loc, fmt::format("the access log {}", a.path), "Caddy writes the access log to stderr");
    out = "stderr";
  }
  std::string format = a.format == "caddy_console" ? "console" : "json";
  if (a.format != "caddy_json" && a.format != "caddy_console" && warned_formats_.insert(a.format).second)
    cx_.cannot(a.loc, fmt::format("the access log format {}", a.format), "Caddy writes its JSON access log entries");
  if (*out == "stderr" && format == "json") {
    w_.line("log");
    return;
  }
  w_.open("log");
  if (*out != "stderr") w_.line("output " + *out);
  if (format != "json") w_.line("format " + format);
  w_.close();
}

}  // namespace

std::string emit(const ir::Config& config, Diagnostics& losses) {
  EmitContext cx{config, losses, {}, {}, {}};
  Writer w;
  size_t globals_end = SiteWriter(cx, w).run();
  // What holds for a pool as a whole, said once for the pools written.
  for (const auto& [pool, n] : cx.proxies_of) {
    if (pool->persistence)
      cx.cannot(pool->persistence->loc,
                fmt::format("the persistence cookie {} that names its servers", pool->persistence->name),
                "lb_policy cookie keeps clients on a server by a cookie of its own (a signed address); it is left out");
    if (std::string state = emit::shared_state(*pool); n > 1 && !state.empty())
      cx.cannot(pool->loc, fmt::format("one balancer for the {} reverse_proxy directives of pool {}", n, pool->name),
                fmt::format("each keeps its own {}, where the source shares them", state));
  }
  // The snippets the sites import, between the global options and the first site.
  std::string globals = w.text().substr(0, globals_end);
  std::string sites = cx.snippets.resolve(w.text().substr(globals_end));
  if (!cx.snippets.any()) return globals + sites;
  if (!sites.empty() && sites.front() == '\n') sites.erase(0, 1);
  return globals + (globals.empty() ? "" : "\n") + cx.snippets.definitions() + sites;
}

}  // namespace pg::caddy
