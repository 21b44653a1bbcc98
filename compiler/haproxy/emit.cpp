// The HAProxy emitter: IR -> haproxy.cfg. global and defaults, one frontend per group
// of listeners serving the same virtual hosts, their routes as host ACLs and
// use_backend rules in the IR's order (leading fixed answers as http-request rules),
// one backend per pool and route settings (emit_backends.cpp).
#include <algorithm>
#include <deque>
#include <regex>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "emit/emit_text.h"
#include "emit/pool_state.h"
#include "emit/route_paths.h"
#include "emitters.h"
#include "haproxy/builtin_responses.h"
#include "haproxy/emit_internal.h"
#include "ir/map_dispatch.h"
#include "ir/status_page.h"

namespace pg::haproxy {

namespace emitter {

void Emitter::warn(const SourceLoc& where, const std::string& message) {
  // Defaults the source never wrote (nginx's error log) are reported at the file.
  const SourceLoc& loc = where.file.view().empty() ? c_.loc : where;
  std::string key = fmt::format("{}:{}:{}", loc.file.view(), loc.line, message);
  if (warned_.insert(key).second) losses_.warning(loc, message);
}

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void write_section(std::string& out, const std::string& head, const Section& s) {
  if (!s.comment.empty()) out += "# " + s.comment + "\n";
  out += head + "\n";
  for (const auto& l : s.lines) out += "    " + l + "\n";
  out += "\n";
}

// A log destination in HAProxy's words, or "" when HAProxy cannot write there.
std::string log_target(const std::string& path) {
  if (path.rfind("syslog:", 0) == 0) {
    std::string rest = path.substr(7);
    std::string target, facility = "local0", format;
    size_t start = 0;
    bool first = true;
    while (start <= rest.size()) {
      size_t comma = rest.find(',', start);
      std::string item = rest.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      auto eq = item.find('=');
      std::string k = eq == std::string::npos ? item : item.substr(0, eq);
      std::string v = eq == std::string::npos ? "" : item.substr(eq + 1);
      if (first && eq == std::string::npos) target = item;
      else if (k == "server") target = v;
      else if (k == "facility") facility = v;
      else if (k == "format" && v != "rfc3164") format = v;
      first = false;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (target.empty()) return "";
    if (target.rfind("unix:", 0) == 0) target = target.substr(5);
    return fmt::format("{}{} {}", target, format.empty() ? "" : " format " + format, facility);
  }
  if (path == "stderr" || path == "/dev/stderr") return "stderr format raw local0";
  if (path == "stdout" || path == "/dev/stdout") return "stdout format raw local0";
  return "";
}

// How a virtual host name ranks in host selection: exact, longest "*." wildcard,
// longest ".*" wildcard, regexes in order.
std::pair<int, int> rank(const ir::ServerName& n) {
  switch (n.kind) {
    case ir::NameKind::exact: return {0, 0};
    case ir::NameKind::wildcard_prefix: return {1, -static_cast<int>(n.value.size())};
    case ir::NameKind::wildcard_suffix: return {2, -static_cast<int>(n.value.size())};
    case ir::NameKind::regex: return {3, 0};
  }
  return {4, 0};
}

bool wildcard_matches(const std::string& pattern, const std::string& host) {
  std::string p = lower(pattern), h = lower(host);
  if (p.rfind("*.", 0) == 0) return h.size() > p.size() - 1 && h.compare(h.size() - (p.size() - 1), p.size() - 1, p.substr(1)) == 0;
  if (!p.empty() && p[0] == '.') return h == p.substr(1) || (h.size() > p.size() && h.compare(h.size() - p.size(), p.size(), p) == 0);
  if (p.size() > 2 && p.substr(p.size() - 2) == ".*") return h.rfind(p.substr(0, p.size() - 1), 0) == 0;
  return p == h;
}

// Whether a host could carry a name of `a` and one of `b`.
bool may_overlap(const ir::VirtualHost& a, const ir::VirtualHost& b) {
  for (const auto& x : a.names)
    for (const auto& y : b.names) {
      auto exact_vs = [](const ir::ServerName& e, const ir::ServerName& o) {
        if (o.kind == ir::NameKind::exact) return lower(e.value) == lower(o.value);
        if (o.kind == ir::NameKind::regex) {
          try {
            return std::regex_search(lower(e.value), std::regex(o.value));
          } catch (...) {
            return true;
          }
        }
        return wildcard_matches(o.value, e.value);
      };
      if (x.kind == ir::NameKind::exact) {
        if (exact_vs(x, y)) return true;
      } else if (y.kind == ir::NameKind::exact) {
        if (exact_vs(y, x)) return true;
      } else {
        return true;  // two patterns: assume they can
      }
    }
  return false;
}

// A response backend's name from its answering rule: "return_404", "redirect_301".
std::string answer_name(const std::string& rule) {
  auto number_after = [&](const std::string& key) {
    auto at = rule.find(key);
    if (at == std::string::npos) return std::string();
    auto start = at + key.size();
    auto end = rule.find(' ', start);
    return rule.substr(start, end == std::string::npos ? std::string::npos : end - start);
  };
  if (rule.rfind("http-request redirect", 0) == 0) return "redirect_" + number_after(" code ");
  if (rule.rfind("http-request deny", 0) == 0) return "deny";
  if (rule.rfind("http-request return", 0) == 0) return "return_" + number_after(" status ");
  return "answer";
}

// Whether a line uses a log-format variable HAProxy reads from the request line it
// keeps for the logs (%HQ, %HU, %HP, %HM, %HV, %r).
bool reads_request_line(const std::string& line) {
  for (size_t i = 0; i + 1 < line.size(); ++i) {
    if (line[i] != '%') continue;
    char n = line[i + 1];
    if (n == '%') {
      ++i;
      continue;
    }
    if (n == 'H' && i + 2 < line.size() && std::string_view("QUPMV").find(line[i + 2]) != std::string_view::npos)
      return true;
    if (n == 'r' && (i + 2 >= line.size() || !std::isalpha(static_cast<unsigned char>(line[i + 2])))) return true;
  }
  return false;
}

struct Group {
  std::vector<int> listeners;
  std::vector<int> vhosts;
  int default_vhost = -1;
  bool tls = false;
};

}  // namespace

void Emitter::emit_global(std::string& out) {
  const ir::Globals& g = c_.globals;
  Section s;
  s.comment = emit::source_comment(c_.loc);
  if (g.worker_threads) s.lines.push_back(fmt::format("nbthread {}", *g.worker_threads));
  if (g.worker_connections != 512) {
    int threads = g.worker_threads.value_or(1);
    s.lines.push_back(fmt::format("maxconn {}", static_cast<int64_t>(g.worker_connections) * threads));
  }
  if (g.daemon) s.lines.push_back("daemon");
  if (!g.pid_file.empty()) s.lines.push_back("pidfile " + word(g.pid_file));
  if (!g.user.empty()) s.lines.push_back("user " + word(g.user));
  for (const auto& l : g.error_logs) {
    std::string t = log_target(l.path);
    if (t.empty()) {
      warn(l.loc, fmt::format("haproxy logs to syslog, stdout or stderr only; its errors are not written to {}", l.path));
      continue;
    }
    std::string level = l.level == "error" ? "err" : l.level == "warn" ? "warning" : l.level;
    s.lines.push_back(fmt::format("log {}{}", t, level.empty() || t.find(' ') == std::string::npos ? "" : " " + level));
  }
  write_section(out, "global", s);
}

void Emitter::plan_defaults() {
  // The most common settings go to defaults; sections override what differs.
  bool proxy_seen = false, client_seen = false;
  for (const auto& vh : c_.virtual_hosts) {
    std::vector<const ir::Route*> routes;
    for (const auto& r : vh.routes) routes.push_back(&r);
    routes.push_back(&vh.fallback);
    for (const ir::Route* r : routes) {
      if (!proxy_seen && r->action.proxy && !r->action.proxy->pool.empty()) {
        proxy_seen = true;
        defaults_.connect_ms = r->action.proxy->timeouts.connect_ms;
        // HAProxy's server timeout bounds the wait for the response: the read timeout.
        defaults_.server_ms = r->action.proxy->timeouts.read_ms;
      }
      if (!client_seen) {
        client_seen = true;
        defaults_.client_ms = r->limits.idle_timeout_ms > 0 ? r->limits.idle_timeout_ms : 60000;
      }
    }
  }
}

void Emitter::emit_defaults(std::string& out) {
  Section s;
  s.lines = {"mode http", "timeout connect " + timeout_value(defaults_.connect_ms),
             "timeout client " + timeout_value(defaults_.client_ms),
             "timeout server " + timeout_value(defaults_.server_ms)};
  emit_pages(s.lines);
  write_section(out, "defaults", s);
}

// The product's page for a status a backend has its own page for (a route's error page,
// emit_errors.cpp) is not written: proxyglot's HAProxy front end reads a page that is
// not the same in every proxy as an error page of each route, which the source's
// routes do not have.
bool Emitter::page_left_to_backends(int status) {
  if (!own_pages_.count(status)) return false;
  warn(c_.loc, fmt::format("haproxy sends its own page for status {} where no route's error page says otherwise, "
                           "not the source's (a route's page for {} is written as an http-error of its backend)",
                           status, status));
  return true;
}

// The product's pages: an http-error for each status HAProxy would answer with another
// page than the source's (HAProxy's own pages send Cache-Control: no-cache, an
// http-error page the `hdr` fields given).
void Emitter::emit_pages(std::vector<std::string>& lines) {
  static const int settable[] = {200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504};
  const ir::GeneratedResponses& want = c_.responses;
  const ir::GeneratedResponses own = builtin_responses();
  auto listed = [](const ir::GeneratedResponses& g, int status) -> const std::string* {
    for (const auto& p : g.pages)
      if (p.status == status) return &p.body;
    return nullptr;
  };
  std::string fields;
  for (const auto& [n, v] : want.page_fields) {
    if (v.find('%') != std::string::npos) {
      warn(c_.loc, fmt::format("haproxy reads an http-error field value as a log format; the page field '{}' is left "
                               "out", n));
      continue;
    }
    fields += fmt::format(" hdr {} {}", word(n), word(v));
  }
  for (int status : settable) {
    const std::string* page = listed(want, status);
    const std::string* theirs = listed(own, status);
    if (!page && !theirs) continue;  // neither side has a page of its own for it
    std::string body = page ? *page : want.listed_pages_only ? std::string() : ir::runtime_status_page(status);
    if (theirs && *theirs == body && want.page_fields == own.page_fields) continue;  // HAProxy's own page
    if (page_left_to_backends(status)) continue;
    std::string line = fmt::format("http-error status {}", status);
    if (!body.empty()) line += " content-type text/html string " + word(body) + fields;
    lines.push_back(line);
  }
}

// The real client address (VirtualHost.real_ip) as HAProxy's set-src, the first
// http-request rule of the frontend: the header's last address when the connection
// comes from a trusted network. One per frontend: the default host's.
std::string Emitter::set_src_rule(const std::vector<int>& vhosts, int default_vhost) {
  const ir::VirtualHost& main = c_.virtual_hosts[static_cast<size_t>(default_vhost >= 0 ? default_vhost : vhosts.front())];
  const ir::RealIp& rip = main.real_ip;
  for (int v : vhosts) {
    const auto& vh = c_.virtual_hosts[static_cast<size_t>(v)];
    const ir::RealIp& o = vh.real_ip;
    if (o.trusted != rip.trusted || o.header != rip.header || o.recursive != rip.recursive)
      warn(vh.loc, "haproxy takes the client address from a header for a whole frontend; this host's trusted proxies "
                   "or header differ from those of the frontend's default host, whose are used");
  }
  if (rip.trusted.empty()) return "";
  if (rip.header == "proxy_protocol") {
    warn(main.loc, "haproxy is not told by proxyglot to accept the PROXY protocol; the client address is the "
                   "connection's");
    return "";
  }
  if (rip.recursive)
    warn(main.loc, fmt::format("haproxy takes the last address of {} (req.hdr_ip(...,-1)); it cannot skip the "
                               "trusted addresses from the right as real_ip_recursive does", rip.header));
  std::vector<std::string> nets;
  for (const auto& t : rip.trusted) {
    if (t.rfind("unix:", 0) == 0) {
      warn(main.loc, "haproxy's src never matches a UNIX socket client; that trusted source is left out");
      continue;
    }
    nets.push_back(t);
  }
  if (nets.empty()) return "";
  std::string rule = fmt::format("http-request set-src req.hdr_ip({},-1)", rip.header);
  bool everyone = std::find(nets.begin(), nets.end(), "0.0.0.0/0") != nets.end() &&
                  std::find(nets.begin(), nets.end(), "::/0") != nets.end();
  if (everyone) return rule;
  std::string list;
  for (const auto& n : nets) list += " " + n;
  return rule + " if { src" + list + " }";
}

void Emitter::emit_frontends() {
  // Listeners that serve the same hosts with the same default make one frontend.
  std::vector<Group> groups;
  for (size_t li = 0; li < c_.listeners.size(); ++li) {
    const ir::Listener& l = c_.listeners[li];
    Group g;
    for (size_t v = 0; v < c_.virtual_hosts.size(); ++v) {
      const auto& ls = c_.virtual_hosts[v].listeners;
      if (std::find(ls.begin(), ls.end(), static_cast<int>(li)) != ls.end()) g.vhosts.push_back(static_cast<int>(v));
    }
    g.default_vhost = l.default_virtual_host.value_or(g.vhosts.empty() ? -1 : g.vhosts.front());
    if (g.default_vhost >= 0 && std::find(g.vhosts.begin(), g.vhosts.end(), g.default_vhost) == g.vhosts.end())
      g.vhosts.push_back(g.default_vhost);
    if (g.vhosts.empty()) {
      warn(l.loc, "no virtual host serves this listener; haproxy would answer 503, so it is left out");
      continue;
    }
    auto same = std::find_if(groups.begin(), groups.end(), [&](const Group& x) {
      return x.vhosts == g.vhosts && x.default_vhost == g.default_vhost;
    });
    if (same != groups.end()) {
      same->listeners.push_back(static_cast<int>(li));
      same->tls = same->tls || l.tls;
    } else {
      g.listeners.push_back(static_cast<int>(li));
      g.tls = l.tls;
      groups.push_back(std::move(g));
    }
  }
  for (const Group& g : groups) {
    Section fe;
    const ir::Listener& first = c_.listeners[static_cast<size_t>(g.listeners.front())];
    fe.comment = emit::source_comment(first.loc);
    bool all_tls = true, no_tls = true;
    std::vector<int> ports;
    for (int li : g.listeners) {
      const ir::Listener& l = c_.listeners[static_cast<size_t>(li)];
      all_tls = all_tls && l.tls;
      no_tls = no_tls && !l.tls;
      if (std::find(ports.begin(), ports.end(), l.port) == ports.end()) ports.push_back(l.port);
    }
    // Name: http/https, with the port when it is not the usual one.
    std::string name = all_tls ? "https" : "http";
    bool usual = true;
    for (int li : g.listeners) {
      const ir::Listener& l = c_.listeners[static_cast<size_t>(li)];
      usual = usual && l.port == (l.tls ? 443 : 80);
    }
    if (!usual) name += fmt::format("_{}", ports.front());
    std::string n = name;
    for (int i = 2; proxy_names_.count(n); ++i) n = fmt::format("{}_{}", name, i);
    proxy_names_.insert(n);

    // Binds.
    std::vector<std::string> crts;
    bool generated = false;
    for (int v : g.vhosts) {
      const auto& vh = c_.virtual_hosts[static_cast<size_t>(v)];
      if (!vh.tls) continue;
      for (const auto& cert : vh.tls->certificates) {
        if (std::find(crts.begin(), crts.end(), cert.certificate) == crts.end()) crts.push_back(cert.certificate);
        if (!cert.key.empty() && cert.key != cert.certificate && cert.key != cert.certificate + ".key")
          warn(cert.loc, fmt::format("haproxy reads the private key from the certificate file or from {}.key; "
                                     "put the key of {} there", cert.certificate, cert.key));
      }
      generated = generated || vh.tls->generated_certificates;
    }
    for (int li : g.listeners) {
      const ir::Listener& l = c_.listeners[static_cast<size_t>(li)];
      std::string addr;
      if (l.address.rfind("unix:", 0) == 0) addr = l.address.substr(5);
      else if (l.address == "0.0.0.0") addr = fmt::format(":{}", l.port);
      else if (l.address.find(':') != std::string::npos) addr = fmt::format("[{}]:{}", l.address, l.port);
      else addr = fmt::format("{}:{}", l.address, l.port);
      std::string line = "bind " + addr;
      if (l.tls) {
        std::vector<std::string> use = crts;
        if (use.empty()) {
          std::string host = "site";
          for (int v : g.vhosts)
            for (const auto& nm : c_.virtual_hosts[static_cast<size_t>(v)].names)
              if (host == "site" && nm.kind == ir::NameKind::exact) host = nm.value;
          use.push_back(fmt::format("/etc/haproxy/certs/{}.pem", host));
          warn(l.loc, generated ? fmt::format("haproxy does not obtain certificates; provide {}", use.front())
                                : fmt::format("no certificate for this TLS listener; haproxy expects {}", use.front()));
        }
        line += " ssl";
        for (const auto& c : use) line += " crt " + word(c);
        if (l.http2) line += " alpn h2,http/1.1";
      } else if (l.http2) {
        warn(l.loc, "haproxy is not told to accept HTTP/2 without TLS (h2c) by proxyglot; this listener speaks HTTP/1.1");
      }
      fe.lines.push_back(line);
    }

    // Host blocks: every host but the default, in selection order, then the default.
    std::vector<int> order;
    for (int v : g.vhosts)
      if (v != g.default_vhost) order.push_back(v);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      auto best = [&](int v) {
        std::pair<int, int> r{9, 0};
        for (const auto& nm : c_.virtual_hosts[static_cast<size_t>(v)].names) r = std::min(r, rank(nm));
        return r;
      };
      return best(a) < best(b);
    });
    AclSet acls(false);
    std::map<int, Literal> host_acl;
    for (int v : order) {
      const auto& vh = c_.virtual_hosts[static_cast<size_t>(v)];
      std::vector<std::string> exact, ends, begs, regs;
      auto with_ports = [&](std::vector<std::string>& into, const std::string& x) {
        into.push_back(x);
        for (int p : ports) into.push_back(fmt::format("{}:{}", x, p));
      };
      for (const auto& nm : vh.names) {
        switch (nm.kind) {
          case ir::NameKind::exact: with_ports(exact, lower(nm.value)); break;
          case ir::NameKind::wildcard_prefix:
            if (nm.value.rfind("*.", 0) == 0) with_ports(ends, lower(nm.value.substr(1)));
            else {
              with_ports(exact, lower(nm.value.substr(1)));
              with_ports(ends, lower(nm.value));
            }
            break;
          case ir::NameKind::wildcard_suffix: begs.push_back(lower(nm.value.substr(0, nm.value.size() - 1))); break;
          case ir::NameKind::regex: regs.push_back(nm.value); break;
        }
      }
      std::vector<AclExpr> lines;
      if (!exact.empty()) lines.push_back({"hdr(host) -i", exact, false, ""});
      if (!ends.empty()) lines.push_back({"hdr_end(host) -i", ends, false, ""});
      if (!begs.empty()) lines.push_back({"hdr_beg(host) -i", begs, false, ""});
      if (!regs.empty()) lines.push_back({"hdr_reg(host) -i", regs, false, ""});
      std::string base = vh.names.empty() ? "host" : "host_" + slug(vh.names.front().value);
      if (lines.empty()) lines.push_back({"hdr(host) -i", {""}, false, ""});
      host_acl[v] = acls.define(lines, base);
    }
    // Each block's host condition; the default block's excludes the other hosts.
    auto host_dnf = [&](int v, bool for_terminal) -> Dnf {
      Term t;
      if (v != g.default_vhost) {
        t.push_back(host_acl[v]);
        for (int u : order) {
          if (u == v) break;
          if (may_overlap(c_.virtual_hosts[static_cast<size_t>(u)], c_.virtual_hosts[static_cast<size_t>(v)]))
            t.push_back({host_acl[u].text, true});
        }
      } else if (for_terminal) {
        for (int u : order) t.push_back({host_acl[u].text, true});
      }
      return Dnf{t};
    };
    std::vector<int> blocks = order;
    if (g.default_vhost >= 0) blocks.push_back(g.default_vhost);

    FormatEnv env;
    env.scheme = all_tls ? "https" : no_tls ? "http" : "";
    std::vector<std::string> front_path_rules, front_rules, switching, errorfiles;
    std::string default_backend;
    bool switched = false, done = false;
    const ir::Route* first_route = nullptr;
    std::deque<ir::Route> expanded;  // routes made from map dispatches (stable addresses)
    std::set<int64_t> body_limits;
    // The paths of the routes chosen by use_backend so far: a later answer no request of
    // theirs reaches is written as an http-request rule of the frontend (which runs before
    // every use_backend) instead of a backend of its own.
    emit::PathIndex switched_paths;
    for (int v : blocks) {
      if (done) break;
      const auto& vh = c_.virtual_hosts[static_cast<size_t>(v)];
      bool block_done = false;  // a rewrite step answers every request of this host
      FormatEnv venv = env;
      venv.server_name = vh.names.empty() ? "" : vh.names.front().value;
      // Rewrites before route selection.
      for (const auto& st : vh.rewrites) {
        if (st.kind == ir::RewriteKind::rewrite && st.flag != ir::RewriteFlag::redirect) {
          std::string why;
          auto rep = rewrite_target(st, venv, true, why);
          if (!rep || blocks.size() > 1) {
            warn(st.loc, rep ? "haproxy cannot rewrite the path for one host only before choosing a backend; the "
                               "rewrite is left out"
                             : fmt::format("haproxy cannot express this rewrite ({}); it is left out", why));
            continue;
          }
          if (!front_rules.empty())
            warn(st.loc, "haproxy applies this rewrite before the redirects and answers written before it (proxyglot "
                         "reads no path rule after an answering rule)");
          front_path_rules.push_back(fmt::format("http-request replace-path {} {}", word(st.regex),
                                                 word(rep->empty() ? "/" : *rep)));
          continue;
        }
        std::string rule = rewrite_answer(st, vh.fallback, venv);
        auto d = step_condition(st, acls);
        if (rule.empty() || !d) continue;
        auto cond = conjunction(host_dnf(v, !switched), *d);
        if (!cond) continue;
        if (!switched) {
          front_rules.push_back(join_rule(rule, condition(*cond)));
        } else {
          std::string be = response_backend(answer_name(rule), {}, {rule}, st.loc);
          if (always(*cond)) default_backend = be;
          else switching.push_back(fmt::format("use_backend {} {}", be, condition(*cond)));
          switched_paths.add(ir::Matcher{});  // a regex on the path: it may match anything
        }
        if (always(*cond)) done = true;
        if (always(*d)) {
          block_done = true;
          break;
        }
      }
      if (block_done) continue;
      if (done) break;
      std::vector<const ir::Route*> entries;
      bool covered = false;
      auto add_entry = [&](const ir::Route& r) {
        entries.push_back(&r);
        covered = matches_everything(r.match);
      };
      for (const auto& r : vh.routes) {
        if (r.internal) continue;
        // A pool chosen by a map of one request header: one route per pool it names.
        if (auto alternatives = ir::map_dispatch(c_, r)) {
          for (auto& x : *alternatives) {
            // The target as written is the map's value: the pool's name ($proxy_host).
            if (x.action.proxy->authority.empty()) x.action.proxy->authority = x.action.proxy->pool;
            expanded.push_back(std::move(x));
            add_entry(expanded.back());
            if (covered) break;
          }
        } else if (auto simpler = capture_prefix_redirect(r)) {
          expanded.push_back(std::move(*simpler));
          add_entry(expanded.back());
        } else {
          add_entry(r);
        }
        if (covered) break;
      }
      // HAProxy answers 503 itself when no backend is chosen: the last host's fallback
      // needs no rule when it is that answer.
      bool own_503 = v == blocks.back() && vh.fallback.action.kind == ir::ActionKind::respond &&
                     vh.fallback.action.respond && vh.fallback.action.respond->status == 503 &&
                     !vh.fallback.action.respond->body && vh.fallback.rewrites.empty() && vh.fallback.access.empty();
      if (!covered && !own_503) entries.push_back(&vh.fallback);
      for (const ir::Route* rp : entries) {
        const ir::Route& r = *rp;
        if (!first_route) first_route = &r;
        body_limits.insert(r.limits.max_body_bytes);
        std::vector<std::string> pages = error_lines(r, vh, errorfiles);
        auto d = to_dnf(r.match, acls);
        if (!d) {
          warn(r.loc, "haproxy condition for this route would be too large; the route is left out");
          continue;
        }
        bool proxy = r.action.kind == ir::ActionKind::proxy && r.action.proxy && !r.action.proxy->pool.empty();
        auto cond = conjunction(host_dnf(v, !proxy || !switched), *d);
        if (!cond) {
          warn(r.loc, "haproxy condition for this route would be too large; the route is left out");
          continue;
        }
        if (never(*cond)) continue;
        if (proxy) {
          std::string be = proxy_backend(r, venv, pages);
          if (always(*cond)) default_backend = be;
          else switching.push_back(fmt::format("use_backend {} {}", be, condition(*cond)));
          switched = true;
          switched_paths.add(r.match);
        } else {
          // The route's rewrite phase answers first (a redirect in a location).
          std::vector<std::pair<std::string, Dnf>> step_rules;
          for (const auto& st : r.rewrites) {
            if (st.kind == ir::RewriteKind::rewrite && st.flag != ir::RewriteFlag::redirect) {
              warn(st.loc, "haproxy rewrites the path of proxied requests only; this rewrite before a fixed answer is "
                           "left out");
              continue;
            }
            std::string sr = rewrite_answer(st, r, venv);
            auto sd = step_condition(st, acls);
            if (sr.empty() || !sd) continue;
            step_rules.emplace_back(sr, *sd);
            if (always(*sd)) break;
          }
          bool answered = !step_rules.empty() && always(step_rules.back().second);
          std::string rule = answered ? "" : terminal_rule(r, venv);
          if (!switched || switched_paths.disjoint_from_all(r.match)) {
            for (const auto& [sr, sd] : step_rules)
              if (auto both = conjunction(*cond, sd)) front_rules.push_back(join_rule(sr, condition(*both)));
            if (answered) {
              if (always(*cond)) {
                done = true;
                break;
              }
              continue;
            }
            if (auto den = denied(r, acls); den && !never(*den))
              if (auto both = conjunction(*cond, *den)) front_rules.push_back(join_rule("http-request deny", condition(*both)));
            front_rules.push_back(join_rule(rule, condition(*cond)));
          } else {
            AclSet bacls(false);
            std::vector<std::string> rules;
            for (const auto& st : r.rewrites) {
              if (st.kind == ir::RewriteKind::rewrite && st.flag != ir::RewriteFlag::redirect) continue;
              std::string sr = rewrite_answer(st, r, venv);
              auto sd = step_condition(st, bacls);
              if (!sr.empty() && sd) rules.push_back(join_rule(sr, condition(*sd)));
            }
            if (!answered && rule.empty()) rule = terminal_rule(r, venv);
            if (auto den = denied(r, bacls); den && !never(*den)) rules.push_back(join_rule("http-request deny", condition(*den)));
            if (!answered) rules.push_back(rule);
            std::string be = response_backend(answer_name(rules.back()), bacls.lines(), rules, r.loc);
            if (always(*cond)) default_backend = be;
            else switching.push_back(fmt::format("use_backend {} {}", be, condition(*cond)));
            switched_paths.add(r.match);
          }
        }
        if (always(*cond)) {
          done = true;
          break;
        }
      }
    }
    // Client side: timeouts and logs of the frontend's first route.
    if (first_route) {
      const ir::ClientLimits& lim = first_route->limits;
      int64_t client = lim.idle_timeout_ms > 0 ? lim.idle_timeout_ms : 60000;
      if (client != defaults_.client_ms) fe.lines.push_back("timeout client " + emit::duration(client));
      if (lim.keepalive_timeout_ms > 0) fe.lines.push_back("timeout http-keep-alive " + emit::duration(lim.keepalive_timeout_ms));
      else fe.lines.push_back("option httpclose");
      std::vector<std::string> logs;
      bool httplog = false;
      for (const auto& al : first_route->access_logs) {
        std::string t = log_target(al.path);
        if (t.empty()) {
          warn(al.loc, fmt::format("haproxy logs to syslog, stdout or stderr only; the access log {} is not written",
                                   al.path));
          continue;
        }
        logs.push_back("log " + t);
        if (al.format.rfind("haproxy_default:", 0) != 0) httplog = true;
        if (al.format.rfind("httplog:", 0) != 0 && al.format.rfind("haproxy_default:", 0) != 0)
          warn(al.loc, fmt::format("haproxy writes its httplog line instead of the '{}' log format", al.format));
      }
      fe.lines.insert(fe.lines.end(), logs.begin(), logs.end());
      if (httplog) fe.lines.push_back("option httplog");
    }
    for (const auto& e : errorfiles) {
      // "errorfile CODE FILE": the file name is one word.
      auto sp = e.find(' ', 10);
      fe.lines.push_back(e.substr(0, sp + 1) + word(e.substr(sp + 1)));
    }
    if (!acls.lines().empty()) {
      fe.lines.push_back("# " + emit::source_comment(c_.virtual_hosts[static_cast<size_t>(blocks.front())].loc));
      fe.lines.insert(fe.lines.end(), acls.lines().begin(), acls.lines().end());
    }
    if (auto rule = set_src_rule(g.vhosts, g.default_vhost); !rule.empty()) fe.lines.push_back(rule);
    fe.lines.insert(fe.lines.end(), front_path_rules.begin(), front_path_rules.end());
    // The request body limit: one for the frontend, checked before any other answer;
    // with several, the most permissive (no limit, else the largest).
    int64_t body_limit = body_limits.empty() || body_limits.count(0) ? 0 : *body_limits.rbegin();
    if (body_limits.size() > 1)
      warn(first_route->loc, fmt::format("haproxy is given one request body limit per frontend by proxyglot; {} "
                                         "applies to every route of this listener",
                                         body_limit ? fmt::format("{} bytes", body_limit) : "no limit"));
    if (body_limit > 0) {
      fe.lines.push_back("option http-buffer-request");
      fe.lines.push_back(fmt::format("http-request deny deny_status 413 if {{ req.body_size gt {} }}", body_limit));
    }
    fe.lines.insert(fe.lines.end(), front_rules.begin(), front_rules.end());
    // HAProxy 2.6 keeps the request line that %HQ, %HV and %r read only when an
    // expression of the frontend uses one (else a backend's rule reads <BADREQ>): a rule
    // that never applies says so for the backends that need it.
    bool frontend_reads = false, backend_reads = false;
    for (const auto& l : fe.lines) frontend_reads = frontend_reads || reads_request_line(l);
    // A set: a large frontend chooses thousands of backends among thousands.
    std::unordered_set<std::string> chosen{default_backend};
    for (const auto& u : switching) chosen.insert(u.substr(12, u.find(' ', 12) - 12));  // "use_backend NAME if ..."
    for (const auto& [name, section] : backends_)
      if (chosen.count(name))
        for (const auto& l : section.lines) backend_reads = backend_reads || reads_request_line(l);
    if (backend_reads && !frontend_reads) {
      fe.lines.push_back("# haproxy keeps the request line for %HQ in backends only when the frontend uses it");
      fe.lines.push_back("http-request redirect location %HQ if FALSE");
    }
    fe.lines.insert(fe.lines.end(), switching.begin(), switching.end());
    if (!default_backend.empty()) fe.lines.push_back("default_backend " + default_backend);
    frontends_.emplace_back(n, std::move(fe));
  }
}

std::string Emitter::run() {
  std::string out = "# HAProxy configuration written by proxyglot " + emit::source_comment(c_.loc) + "\n\n";
  emit_global(out);
  // The frontends first: the defaults leave out the pages backends have (emit_pages).
  plan_defaults();
  emit_frontends();
  emit_defaults(out);
  for (const auto& [pool, n] : copies_of_)
    if (std::string state = emit::shared_state(*pool); n > 1 && !state.empty())
      warn(pool->loc, fmt::format("haproxy writes pool '{}' as {} backends (its routes differ in settings a backend "
                                  "holds): each keeps its own {}, where the source shares them",
                                  pool->name, n, state));
  for (const auto& [name, s] : frontends_) write_section(out, "frontend " + name, s);
  for (const auto& [name, s] : backends_) write_section(out, "backend " + name, s);
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace emitter

std::string emit(const ir::Config& config, Diagnostics& losses) {
  emitter::Emitter e(config, losses);
  return e.run();
}

}  // namespace pg::haproxy
