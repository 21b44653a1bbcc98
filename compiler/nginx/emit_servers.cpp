// Virtual hosts -> server { } blocks: listeners, names, TLS, real IP, the server's own
// settings (its fallback route's), then one location per route in nginx's precedence.
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "emit/emit_text.h"
#include "ir/equivalence.h"
#include "ir/ir_json_conversions.h"
#include "ir/matchers.h"
#include "ir/route_select.h"
#include "ir/text.h"
#include "nginx/emit_locations.h"
#include "nginx/emit_routes.h"

namespace pg::nginx::emitter {

namespace {

std::string listen_address(const ir::Listener& l) {
  if (l.address.rfind("unix:", 0) == 0) return l.address;
  if (l.address == "0.0.0.0" || l.address.empty()) return std::to_string(l.port);
  if (l.address.find(':') != std::string::npos) return fmt::format("[{}]:{}", l.address, l.port);
  return fmt::format("{}:{}", l.address, l.port);
}

std::string server_name_text(const ir::ServerName& n) {
  return n.kind == ir::NameKind::regex ? "~" + n.value : n.value;
}

const Group* find(const std::vector<Group>& g, const std::string& key) {
  for (const auto& x : g)
    if (x.key == key) return &x;
  return nullptr;
}

// nginx's name for a named route: "location @x" stays "@x", others are made one.
std::string named_location(const std::string& route_name) {
  if (route_name.rfind("location @", 0) == 0) return route_name.substr(9);
  // Its first two words ("errorfile 503 /etc/haproxy/503.http" gives "@errorfile_503").
  std::string out = "@";
  int words = 0;
  for (size_t i = 0; i < route_name.size() && words < 2; ++i) {
    char c = route_name[i];
    if (c == ' ') {
      if (++words < 2) out += '_';
      continue;
    }
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
  }
  return out;
}

bool always_matches(const ir::Matcher& m, std::optional<bool> tls) {
  bool constant = false;
  return !simplify(m, tls, constant) && constant;
}

// The groups of each route of one source host, made once: split_by_host repeats a
// host's routes in a server block per Host name (hundreds of blocks with the same
// locations), and the groups depend on the route's settings only, never its matcher.
struct RouteGroups {
  const ir::VirtualHost* source = nullptr;
  std::unordered_map<const ir::Route*, std::vector<Group>> common, proxy;
  std::deque<std::vector<Group>> unshared;  // of routes that are no source route
};

// A part of a source host (split_by_host): its routes are copies of the source's.
struct HostPart {
  ir::VirtualHost host;
  std::vector<size_t> origin;  // host.routes[i] is source.routes[origin[i]] with another matcher
};

class ServerWriter {
 public:
  ServerWriter(Context& ctx, Writer& w, std::map<int, int>& first_server_on, RouteGroups& groups)
      : ctx_(ctx), w_(w), first_server_on_(first_server_on), groups_(groups) {}

  void write(const HostPart& part, int index, const std::vector<int>& listeners, std::optional<bool> tls) {
    const ir::VirtualHost& vh = part.host;
    part_ = &part;
    const auto& c = ctx_.config;
    w_.blank();
    if (vh.loc.line) w_.comment(emit::source_comment(vh.loc));
    w_.open("server");
    for (int li : listeners) {
      const auto& L = c.listeners[static_cast<size_t>(li)];
      std::string text = "listen " + quote(listen_address(L));
      bool first = !first_server_on_.count(li);
      if (first) first_server_on_[li] = index;
      if (L.default_virtual_host && *L.default_virtual_host == index && !first) text += " default_server";
      if (L.tls) text += " ssl";
      if (L.http2) text += " http2";
      w_.line(text + ";");
    }
    if (!vh.names.empty()) {
      std::vector<std::string> names;
      for (const auto& n : vh.names) names.push_back(server_name_text(n));
      w_.directive("server_name", names);
    }
    bool any_tls = std::any_of(listeners.begin(), listeners.end(),
                               [&](int li) { return c.listeners[static_cast<size_t>(li)].tls; });
    // A block split off for the plain listeners of a TLS host needs no certificate.
    if (any_tls || !tls.has_value() || *tls) write_tls(vh, any_tls);
    write_real_ip(vh);
    for (const auto& l : server_head_lines(ctx_, vh.fallback)) w_.line(l);

    ctx_.named_locations.clear();
    std::set<std::string> taken;
    for (const auto& r : vh.named_routes) {
      std::string name = named_location(r.name);
      for (int i = 2; taken.count(name); ++i) name = fmt::format("{}_{}", named_location(r.name), i);
      taken.insert(name);
      ctx_.named_locations[r.name] = name;
    }

    // The server's own settings are its fallback's; locations write what differs.
    auto server_common = common_groups(ctx_, vh.fallback);
    auto plan = plan_locations(vh, tls, ctx_.losses);
    bool covered = std::any_of(plan.begin(), plan.end(), [&](const PlannedLocation& l) {
      return l.form == LocForm::prefix && l.path == "/" && always_matches(l.route->match, tls);
    });
    if (!covered && vh.fallback.action.kind != ir::ActionKind::static_files) {
      PlannedLocation l;
      l.route = &vh.fallback;
      l.order = vh.routes.size();
      l.path = "/";
      l.note = "when no other location matches";
      plan.push_back(l);
    }
    add_bare_path_locations(vh, plan, tls);

    std::vector<const ir::Route*> routes;
    for (const auto& l : plan) routes.push_back(l.route);
    for (const auto& r : vh.named_routes) routes.push_back(&r);

    // When every request reaches a location (one catches all) and the server answers
    // nothing itself, its scalar settings apply only through the locations that inherit
    // them: one every location shares goes to the server, whatever the unreachable
    // fallback says. Not the array ones (add_header, error_page, access rules and logs):
    // nginx also applies a server's to the answers it makes before choosing a location
    // (400 to a malformed request), where the source does not.
    bool catches_all = covered || vh.fallback.action.kind != ir::ActionKind::static_files;  // the fallback's "location /"
    std::vector<const std::vector<Group>*> each;  // every location's
    each.reserve(routes.size());
    for (const auto* r : routes) each.push_back(&groups_of(*r, false));
    if (catches_all && vh.rewrites.empty() && !routes.empty()) {
      for (auto& g : server_common) {
        if (g.array) continue;
        const Group* first = find(*each[0], g.key);
        bool shared = std::all_of(each.begin(), each.end(),
                                  [&](const std::vector<Group>* x) { return find(*x, g.key)->lines == first->lines; });
        if (shared) g.lines = first->lines;
      }
    }
    inherited_common_.clear();
    for (const auto& g : server_common) {
      const Group* def = find(default_common_groups(ctx_), g.key);
      bool differs = !def || def->lines != g.lines;
      // An array directive a location cannot clear must not be inherited by one
      // that has none.
      if (g.array && !g.lines.empty()) {
        for (const auto* rg : each)
          if (find(*rg, g.key)->lines.empty()) differs = false;
      }
      if (differs) {
        for (const auto& l : g.lines) w_.line(l);
        inherited_common_[g.key] = g.lines;
      } else {
        inherited_common_[g.key] = def ? def->lines : std::vector<std::string>{};
      }
    }

    // Proxy settings every proxying location shares go to the server level.
    inherited_proxy_.clear();
    static const std::vector<Group> none;
    std::vector<const std::vector<Group>*> proxy_each(routes.size(), &none);  // every proxying location's
    std::vector<const std::vector<Group>*> proxies;
    for (size_t i = 0; i < routes.size(); ++i)
      if (routes[i]->action.kind == ir::ActionKind::proxy) {
        proxy_each[i] = &groups_of(*routes[i], true);
        if (routes[i]->action.proxy->protocol != ir::UpstreamProtocol::grpc) proxies.push_back(proxy_each[i]);
      }
    for (const auto& def : default_proxy_groups(ctx_)) {
      inherited_proxy_[def.key] = def.lines;
      if (proxies.size() < 2) continue;
      const Group* first = find(*proxies[0], def.key);
      if (first->location_only) continue;
      bool shared = std::all_of(proxies.begin(), proxies.end(), [&](const std::vector<Group>* g) {
        return find(*g, def.key)->lines == first->lines;
      });
      if (shared && first->lines != def.lines && !(def.array && first->lines.empty())) {
        for (const auto& l : first->lines) w_.line(l);
        inherited_proxy_[def.key] = first->lines;
      }
    }

    auto steps = rewrite_lines(ctx_, vh.rewrites);
    for (const auto& l : steps) w_.line(l);

    for (size_t i = 0; i < plan.size(); ++i) write_location(plan[i], *each[i], *proxy_each[i]);
    for (size_t k = 0; k < vh.named_routes.size(); ++k) {
      const ir::Route& r = vh.named_routes[k];
      std::string name = ctx_.named_locations[r.name];
      w_.blank();
      if (r.loc.line) w_.comment(emit::source_comment(r.loc));
      w_.open("location " + quote(name));
      write_body(r, nullptr, *each[plan.size() + k], *proxy_each[plan.size() + k]);
      w_.close();
    }
    w_.close();
  }

 private:
  // The route's common (or proxy) groups, made once per source route.
  const std::vector<Group>& groups_of(const ir::Route& r, bool proxy) {
    const ir::VirtualHost& vh = part_->host;
    const ir::VirtualHost& source = *groups_.source;
    const ir::Route* origin = nullptr;
    if (&r == &vh.fallback) origin = &source.fallback;
    else if (&r >= vh.routes.data() && &r < vh.routes.data() + vh.routes.size())
      origin = &source.routes[part_->origin[static_cast<size_t>(&r - vh.routes.data())]];
    else if (&r >= vh.named_routes.data() && &r < vh.named_routes.data() + vh.named_routes.size())
      origin = &source.named_routes[static_cast<size_t>(&r - vh.named_routes.data())];
    auto make = [&] { return proxy ? proxy_groups(ctx_, r) : common_groups(ctx_, r); };
    if (!origin) return groups_.unshared.emplace_back(make());
    auto& cache = proxy ? groups_.proxy : groups_.common;
    auto it = cache.find(origin);
    if (it == cache.end()) it = cache.emplace(origin, make()).first;
    return it->second;
  }

  void write_tls(const ir::VirtualHost& vh, bool any_tls) {
    if (!vh.tls && !any_tls) return;
    ir::TlsSettings tls = vh.tls.value_or(ir::TlsSettings{});
    if (tls.certificates.empty() && any_tls) {
      std::string base = vh.names.empty() ? "default" : vh.names[0].value;
      for (auto& ch : base)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') ch = '_';
      ctx_.losses.warning(vh.loc, fmt::format(
          "nginx cannot make certificates at run time{}: it reads /etc/nginx/certs/{}.crt and .key, which must be provided",
          tls.generated_certificates ? " (the source's automatic HTTPS)" : "", base));
      tls.certificates.push_back({vh.loc, "/etc/nginx/certs/" + base + ".crt", "/etc/nginx/certs/" + base + ".key"});
    }
    for (const auto& cert : tls.certificates) {
      w_.directive("ssl_certificate", {cert.certificate});
      w_.directive("ssl_certificate_key", {cert.key});
    }
    std::vector<std::string> nginx_default{"TLSv1", "TLSv1.1", "TLSv1.2"};
    if (!tls.protocols.empty() && tls.protocols != nginx_default) w_.directive("ssl_protocols", tls.protocols);
  }

  void write_real_ip(const ir::VirtualHost& vh) {
    const auto& rip = vh.real_ip;
    if (rip.header == "proxy_protocol") {
      ctx_.losses.warning(vh.loc, "nginx's PROXY protocol listeners are not used by proxyglot: the client address is the connection's");
    } else if (rip.header != "X-Real-IP") {
      w_.directive("real_ip_header", {rip.header});
    }
    for (const auto& t : rip.trusted) w_.directive("set_real_ip_from", {t});
    if (rip.recursive) w_.line("real_ip_recursive on;");
  }

  // nginx answers "/api" with a 301 to "/api/" when a proxying location is named
  // "/api/": an exact location for "/api" keeps the route the IR picks for it.
  void add_bare_path_locations(const ir::VirtualHost& vh, std::vector<PlannedLocation>& plan, std::optional<bool> tls) {
    // The paths every exact or prefix location names, and each other location's route
    // as a selector of its own, made once: a server has thousands of locations.
    std::set<std::string> named;
    for (const auto& o : plan)
      if (o.form == LocForm::exact || o.form == LocForm::prefix || o.form == LocForm::noregex) named.insert(o.path);
    struct Probe {
      ir::VirtualHost host;
      std::unique_ptr<ir::RouteSelector> selector;  // null: the matcher is the constant `constant`
      bool constant = false;
      bool made = false;
    };
    std::vector<Probe> probes(plan.size());
    auto takes = [&](size_t k, const std::string& path) {
      Probe& p = probes[k];
      if (!p.made) {
        p.made = true;
        auto m = simplify(plan[k].route->match, tls, p.constant);
        if (m) {
          p.host.routes.push_back(*plan[k].route);
          p.host.routes.back().match = *m;
          try {
            p.selector = std::make_unique<ir::RouteSelector>(p.host);
          } catch (...) {
            p.constant = false;  // a regex PCRE2 rejects takes nothing
          }
        }
      }
      if (!p.selector) return p.constant;
      ir::RequestView rv;
      rv.path = path;
      try {
        return p.selector->select(rv) == 0;
      } catch (...) {
        return false;
      }
    };
    std::vector<PlannedLocation> extra;
    for (const auto& l : plan) {
      if (l.form != LocForm::prefix && l.form != LocForm::noregex) continue;
      if (l.path.size() < 2 || l.path.back() != '/' || l.route->action.kind != ir::ActionKind::proxy) continue;
      std::string bare = l.path.substr(0, l.path.size() - 1);
      if (named.count(bare)) continue;
      // The first planned location (in IR order) that takes the bare path.
      const ir::Route* target = &vh.fallback;
      size_t best = SIZE_MAX;
      for (size_t k = 0; k < plan.size(); ++k) {
        const auto& o = plan[k];
        if (o.order >= best) continue;
        bool hit = false;
        switch (o.form) {
          case LocForm::exact: hit = o.path == bare; break;
          case LocForm::prefix: case LocForm::noregex: hit = bare.rfind(o.path, 0) == 0; break;
          default: hit = takes(k, bare);
        }
        if (hit) {
          best = o.order;
          target = o.route;
        }
      }
      PlannedLocation e;
      e.route = target;
      e.order = l.order;
      e.form = LocForm::exact;
      e.path = bare;
      e.note = fmt::format("keeps nginx from redirecting {} to {}", bare, l.path);
      extra.push_back(std::move(e));
    }
    for (auto& e : extra) {
      auto at = std::find_if(plan.begin(), plan.end(), [&](const PlannedLocation& l) { return l.order == e.order; });
      plan.insert(at, std::move(e));
    }
  }

  // `common`, `proxy`: the route's groups (common_groups, proxy_groups), made once.
  void write_location(const PlannedLocation& l, const std::vector<Group>& common, const std::vector<Group>& proxy) {
    w_.blank();
    std::vector<std::string> comment;
    if (l.route->loc.line) comment.push_back(emit::source_comment(l.route->loc));
    if (!l.note.empty()) comment.push_back(l.note);
    if (!comment.empty()) w_.comment(fmt::format("{}", fmt::join(comment, "; ")));
    w_.open(location_head(l));
    write_body(*l.route, &l, common, proxy);
    w_.close();
  }

  void write_body(const ir::Route& r, const PlannedLocation* where, const std::vector<Group>& common,
                  const std::vector<Group>& proxy) {
    for (const auto& g : common) {
      if (g.lines == inherited_common_[g.key]) continue;
      for (const auto& l : g.lines) w_.line(l);
    }
    std::vector<std::string> after;
    if (r.action.kind == ir::ActionKind::proxy) {
      for (const auto& g : proxy) {
        auto it = inherited_proxy_.find(g.key);
        if (it != inherited_proxy_.end() && it->second == g.lines) continue;
        for (const auto& l : g.lines) (g.after_pass ? after : lines_).push_back(l);
        for (auto& l : lines_) w_.line(l);
        lines_.clear();
      }
    }
    for (const auto& l : action_lines(ctx_, r, where)) w_.line(l);
    for (const auto& l : after) w_.line(l);
  }

  Context& ctx_;
  Writer& w_;
  std::map<int, int>& first_server_on_;
  RouteGroups& groups_;
  const HostPart* part_ = nullptr;
  std::map<std::string, std::vector<std::string>> inherited_common_;
  std::map<std::string, std::vector<std::string>> inherited_proxy_;
  std::vector<std::string> lines_;
};

// The host names a route's matcher requires ("host" or the Host field's value), as
// server names; empty when it names none. `rest` gets the matcher without them.
std::vector<ir::ServerName> host_condition(const ir::Matcher& m, std::optional<ir::Matcher>& rest) {
  auto names_of = [](const ir::Matcher& x) -> std::optional<std::vector<ir::ServerName>> {
    auto one = [](const ir::Matcher& p) -> std::optional<ir::ServerName> {
      if (p.op != ir::MatchOp::predicate || !p.predicate) return std::nullopt;
      const auto& pr = *p.predicate;
      bool host_field = ir::iequals(pr.name, "host");
      if (pr.kind == ir::PredKind::host || (pr.kind == ir::PredKind::header_exact && host_field))
        return ir::ServerName{SourceLoc{}, ir::NameKind::exact, ir::to_lower(pr.value)};
      if (pr.kind == ir::PredKind::header_regex && host_field)
        return ir::ServerName{SourceLoc{}, ir::NameKind::regex, pr.case_insensitive ? "(?i)" + pr.value : pr.value};
      return std::nullopt;
    };
    std::vector<ir::ServerName> out;
    if (auto n = one(x)) return std::vector<ir::ServerName>{*n};
    if (x.op != ir::MatchOp::any || x.children.empty()) return std::nullopt;
    for (const auto& c : x.children) {
      auto n = one(c);
      if (!n) return std::nullopt;
      out.push_back(*n);
    }
    return out;
  };
  if (auto n = names_of(m)) {
    rest = ir::Matcher{};
    return *n;
  }
  if (m.op == ir::MatchOp::all) {
    for (size_t i = 0; i < m.children.size(); ++i) {
      auto n = names_of(m.children[i]);
      if (!n) continue;
      std::vector<ir::Matcher> others;
      for (size_t j = 0; j < m.children.size(); ++j)
        if (j != i) others.push_back(m.children[j]);
      rest = ir::all_of(std::move(others));
      return *n;
    }
  }
  return {};
}

bool same_names(const std::vector<ir::ServerName>& a, const std::vector<ir::ServerName>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].kind != b[i].kind || a[i].value != b[i].value) return false;
  return true;
}

// A host whose routes test the Host field: nginx selects by server_name instead, so
// each set of names gets its own server block (after the host's own, which stays the
// listeners' default) with the routes that apply to it.
std::vector<HostPart> split_by_host(const ir::VirtualHost& vh) {
  // Each route's names and the rest of its matcher, found once.
  std::vector<std::vector<ir::ServerName>> names_of(vh.routes.size());
  std::vector<std::optional<ir::Matcher>> rest_of(vh.routes.size());
  std::vector<std::vector<ir::ServerName>> sets;
  for (size_t i = 0; i < vh.routes.size(); ++i) {
    names_of[i] = host_condition(vh.routes[i].match, rest_of[i]);
    const auto& names = names_of[i];
    if (names.empty()) continue;
    if (std::none_of(sets.begin(), sets.end(), [&](const auto& s) { return same_names(s, names); }))
      sets.push_back(names);
  }
  std::vector<HostPart> out;
  // The host without its routes, copied for each part (not the routes: thousands).
  ir::VirtualHost bare = vh;
  bare.routes.clear();
  HostPart base{bare, {}};
  for (size_t i = 0; i < vh.routes.size(); ++i) {
    if (names_of[i].empty()) {
      base.host.routes.push_back(vh.routes[i]);
      base.origin.push_back(i);
    }
  }
  out.push_back(std::move(base));
  for (const auto& names : sets) {
    HostPart h{bare, {}};
    h.host.names = names;
    for (auto& n : h.host.names) n.loc = vh.loc;
    for (size_t i = 0; i < vh.routes.size(); ++i) {
      const ir::Route& r = vh.routes[i];
      if (names_of[i].empty()) {
        h.host.routes.push_back(r);
        h.origin.push_back(i);
      } else if (same_names(names_of[i], names)) {
        h.host.routes.push_back(r);
        h.host.routes.back().match = *rest_of[i];
        h.origin.push_back(i);
        // A route taking every request of these names: what follows is never chosen
        // (plan_locations stops there), and need not be copied.
        bool constant = false;
        if (!simplify(*rest_of[i], std::nullopt, constant) && constant) break;
      }
    }
    out.push_back(std::move(h));
  }
  return out;
}

// A first route that refuses some clients with a plain 403 (HAProxy's
// "http-request deny if { src ... }") is nginx's "deny": the rule goes to every route.
void deny_rules_from_first_route(ir::VirtualHost& vh) {
  if (vh.routes.empty()) return;
  const ir::Route& r = vh.routes.front();
  if (r.action.kind != ir::ActionKind::respond || r.action.respond->status != 403 || r.action.respond->body ||
      !r.rewrites.empty() || !r.response_headers.empty() || r.internal)
    return;
  std::vector<std::string> cidrs;
  auto cidr_of = [](const ir::Matcher& m) -> std::optional<std::string> {
    if (m.op == ir::MatchOp::predicate && m.predicate && m.predicate->kind == ir::PredKind::client_cidr)
      return m.predicate->value;
    return std::nullopt;
  };
  if (auto c = cidr_of(r.match)) {
    cidrs.push_back(*c);
  } else if (r.match.op == ir::MatchOp::any && !r.match.children.empty()) {
    for (const auto& ch : r.match.children) {
      auto c = cidr_of(ch);
      if (!c) return;
      cidrs.push_back(*c);
    }
  } else {
    return;
  }
  std::vector<ir::AccessRule> rules;
  for (const auto& c : cidrs) rules.push_back(ir::AccessRule{r.loc, false, c});
  vh.routes.erase(vh.routes.begin());
  auto prepend = [&](ir::Route& x) { x.access.insert(x.access.begin(), rules.begin(), rules.end()); };
  for (auto& x : vh.routes) prepend(x);
  for (auto& x : vh.named_routes) prepend(x);
  prepend(vh.fallback);
}

// A route refusing all clients but some with a plain 403 on some paths ("path /admin/*
// and not client 10.0.0.0/8 -> 403"), followed by a route that takes every one of
// those paths, is nginx's per-location access list: the following route's settings
// on those paths, with "allow CIDR...; deny all;". ir::compare reads a route's access
// list back as the 403 route before it (compiler/ir/equivalence.cpp).
void access_rules_from_deny_routes(ir::VirtualHost& vh) {
  auto cidr_of = [](const ir::Matcher& m) -> std::optional<std::string> {
    if (m.op == ir::MatchOp::predicate && m.predicate && m.predicate->kind == ir::PredKind::client_cidr)
      return m.predicate->value;
    return std::nullopt;
  };
  for (size_t i = 0; i + 1 < vh.routes.size(); ++i) {
    const ir::Route& r = vh.routes[i];
    const ir::Route& next = vh.routes[i + 1];
    if (r.action.kind != ir::ActionKind::respond || r.action.respond->status != 403 ||
        (r.action.respond->body && !r.action.respond->body->parts.empty()) || !r.rewrites.empty() || r.internal ||
        next.internal || r.match.op != ir::MatchOp::all)
      continue;
    std::vector<ir::Matcher> paths;
    std::vector<std::string> allowed;
    bool ok = true;
    for (const auto& c : r.match.children) {
      if (c.op == ir::MatchOp::not_ && c.children.size() == 1 && allowed.empty()) {
        const ir::Matcher& n = c.children[0];
        if (auto cidr = cidr_of(n)) {
          allowed.push_back(*cidr);
        } else if (n.op == ir::MatchOp::any && !n.children.empty()) {
          for (const auto& x : n.children)
            if (auto cidr = cidr_of(x)) allowed.push_back(*cidr);
            else ok = false;
        } else {
          ok = false;
        }
      } else if (c.op == ir::MatchOp::predicate && c.predicate && c.predicate->kind == ir::PredKind::path_prefix) {
        paths.push_back(c);
      } else {
        ok = false;
      }
    }
    if (!ok || allowed.empty() || paths.size() != 1) continue;
    // The next route must take every request on those paths.
    const ir::Predicate& p = *paths[0].predicate;
    bool constant = false;
    auto nm = simplify(next.match, std::nullopt, constant);
    bool covers = !nm ? constant
                      : nm->op == ir::MatchOp::predicate && nm->predicate->kind == ir::PredKind::path_prefix &&
                            (nm->predicate->case_insensitive || !p.case_insensitive) &&
                            (nm->predicate->case_insensitive ? ir::to_lower(p.value).rfind(ir::to_lower(nm->predicate->value), 0)
                                                             : p.value.rfind(nm->predicate->value, 0)) == 0;
    if (!covers) continue;
    ir::Route merged = next;
    merged.loc = r.loc;
    merged.name = r.name;
    merged.match = paths[0];
    merged.access.clear();
    for (const auto& cidr : allowed) merged.access.push_back(ir::AccessRule{r.loc, true, cidr});
    merged.access.push_back(ir::AccessRule{r.loc, false, "all"});
    vh.routes[i] = std::move(merged);
  }
}

// nginx answers 502 when no server can be tried or connecting failed; a source
// answering another status there (HAProxy: 503) is "error_page 502 =503 TARGET", where
// TARGET is the route's own page for 503, else a named location answering 503 with the
// route's response fields. ir::compare reads that back as the status
// (compiler/ir/equivalence.cpp, fold_status_pages).
void proxy_status_pages(Context& ctx, ir::VirtualHost& vh) {
  std::vector<ir::Route> added;
  auto fold = [&](ir::Route& r) {
    if (r.action.kind != ir::ActionKind::proxy || r.action.proxy->protocol == ir::UpstreamProtocol::grpc) return;
    ir::ProxyAction& p = *r.action.proxy;
    int status = p.no_server_status;
    if (status == 502 || p.connect_error_status != status) return;
    auto covering = [&](int code) {
      return std::find_if(r.error_pages.begin(), r.error_pages.end(), [&](const ir::ErrorPage& e) {
        return std::find(e.codes.begin(), e.codes.end(), code) != e.codes.end();
      });
    };
    if (covering(502) != r.error_pages.end()) return;  // the source's 502 page: nginx cannot tell them apart
    ir::ErrorPage page;
    page.loc = r.loc;
    page.codes = {502};
    if (auto own = covering(status); own != r.error_pages.end()) {
      page.target_kind = own->target_kind;
      page.target = own->target;
      page.status_mode = own->status_mode == ir::ErrorStatus::keep ? ir::ErrorStatus::set : own->status_mode;
      page.status = own->status_mode == ir::ErrorStatus::keep ? status : own->status;
    } else {
      // A named location answering the status with nginx's page and the route's fields.
      ir::Route named;
      named.loc = r.loc;
      named.internal = true;
      named.action.kind = ir::ActionKind::respond;
      named.action.respond = ir::RespondAction{status, std::nullopt};
      // Removals hide the upstream's fields: a page nginx makes has none of them.
      for (const auto& op : r.response_headers)
        if (op.op != ir::HeaderOpKind::remove) named.response_headers.push_back(op);
      named.limits = r.limits;
      named.default_type = r.default_type;
      named.access_logs = r.access_logs;
      auto same = std::find_if(added.begin(), added.end(), [&](const ir::Route& x) {
        return x.action.respond->status == status &&
               boost::json::value_from(x.response_headers) == boost::json::value_from(named.response_headers);
      });
      if (same == added.end()) {
        named.name = fmt::format("proxy {}{}", status, added.empty() ? "" : fmt::format(" {}", added.size() + 1));
        added.push_back(named);
        same = added.end() - 1;
      }
      page.status_mode = ir::ErrorStatus::set;
      page.status = status;
      page.target_kind = ir::ErrorTarget::named_route;
      page.target = ir::Template{{ir::TemplatePart(ir::Var::literal, same->name)}};
    }
    r.error_pages.push_back(std::move(page));
    ctx.losses.warning(r.loc, fmt::format("nginx answers 502 for an invalid upstream response too: \"error_page 502 ={}\" "
                                          "makes those {} where the source answers 502",
                                          status, status));
  };
  for (auto& r : vh.routes) fold(r);
  for (auto& r : vh.named_routes) fold(r);
  fold(vh.fallback);
  for (auto& r : added) vh.named_routes.push_back(std::move(r));
}

// A redirect on a path prefix P whose location holds the path with P's start replaced
// (HAProxy's "%[path,regsub(^/old/,X)]") is a regex location capturing the rest:
// "location ~ ^/old/(.*) { return 301 X$1; }". ir::compare reads such a capture back as
// the regsub (compiler/ir/equivalence.cpp, captures_as_regsub).
void regsub_redirects(ir::VirtualHost& vh) {
  for (auto& r : vh.routes) {
    if (r.action.kind != ir::ActionKind::redirect || !r.rewrites.empty()) continue;
    bool constant = false;
    auto m = simplify(r.match, std::nullopt, constant);
    if (!m || m->op != ir::MatchOp::predicate || m->predicate->kind != ir::PredKind::path_prefix ||
        m->predicate->case_insensitive)
      continue;
    const std::string prefix = m->predicate->value;
    const std::string anchored = "^" + regex_escape(prefix);
    bool ok = true, any = false;
    ir::Template out;
    for (const auto& part : r.action.redirect->location.parts) {
      if (part.converters.empty()) {
        out.parts.push_back(part);
        continue;
      }
      const auto& c = part.converters;
      if (part.var != ir::Var::path || c.size() != 1 || c[0].name != "regsub" || c[0].args.size() != 2 ||
          c[0].args[0] != anchored || c[0].args[1].find('\\') != std::string::npos) {
        ok = false;
        break;
      }
      if (!c[0].args[1].empty()) out.parts.push_back({ir::Var::literal, c[0].args[1]});
      out.parts.push_back({ir::Var::regex_capture, "1"});
      any = true;
    }
    if (!ok || !any) continue;
    r.match = ir::pred(ir::PredKind::path_regex, anchored + "(.*)");
    r.action.redirect->location = std::move(out);
  }
}

bool routes_use_scheme(const ir::VirtualHost& vh) {
  return std::any_of(vh.routes.begin(), vh.routes.end(), [](const ir::Route& r) { return uses_scheme(r.match); });
}

}  // namespace

void emit_servers(Context& ctx, Writer& w) {
  std::map<int, int> first_server_on;
  for (size_t i = 0; i < ctx.config.virtual_hosts.size(); ++i) {
    ir::VirtualHost source = ctx.hosts[i];
    deny_rules_from_first_route(source);
    access_rules_from_deny_routes(source);
    proxy_status_pages(ctx, source);
    regsub_redirects(source);
    // nginx writes its own Content-Type (default_type), Content-Length and Connection.
    for (auto& r : source.routes) ir::fold_own_response_fields(r);
    for (auto& r : source.named_routes) ir::fold_own_response_fields(r);
    ir::fold_own_response_fields(source.fallback);
    auto parts = split_by_host(source);
    RouteGroups groups;
    groups.source = &source;
    for (size_t k = 0; k < parts.size(); ++k) {
      const auto& part = parts[k];
      const auto& vh = part.host;
      int index = k == 0 ? static_cast<int>(i) : -1;
      std::vector<int> plain, tls;
      for (int li : vh.listeners) (ctx.config.listeners[static_cast<size_t>(li)].tls ? tls : plain).push_back(li);
      ServerWriter sw(ctx, w, first_server_on, groups);
      // Routes that depend on the scheme: one server block per scheme, where it is known.
      if (routes_use_scheme(vh) && !plain.empty() && !tls.empty()) {
        sw.write(part, index, plain, false);
        sw.write(part, index, tls, true);
      } else if (routes_use_scheme(vh)) {
        sw.write(part, index, vh.listeners, !tls.empty());
      } else {
        sw.write(part, index, vh.listeners, tls.empty() ? std::optional<bool>(false)
                                                        : plain.empty() ? std::optional<bool>(true) : std::nullopt);
      }
    }
  }
}

}  // namespace pg::nginx::emitter
