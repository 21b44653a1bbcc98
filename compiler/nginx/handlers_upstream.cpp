// upstream { } blocks: servers and their parameters, keepalive, balancing.
#include <fmt/format.h>

#include "nginx/handlers.h"
#include "nginx/values.h"

namespace pg::nginx::handlers {

namespace {

UpstreamNode& current(Lowerer& l) { return *l.frame().upstream; }

// nginx warns when a second balancing method replaces the first; the later wins.
bool set_balancing(Lowerer& l, const Directive& d, ir::Balance policy) {
  auto& u = current(l);
  if (u.balancing_set) l.warning(d, "load balancing method redefined");
  u.balancing_set = true;
  u.balancing_loc = report_loc(d);
  u.pool.balancing = ir::Balancing{};
  u.pool.balancing.policy = policy;
  return true;
}

}  // namespace

void upstream(Lowerer& l, const Directive& d) {
  auto& ups = l.http().upstreams;
  const std::string& name = d.args[0].value;
  for (const auto& u : ups)
    if (u.pool.name == name) return l.arg_error(d, 0, fmt::format("duplicate upstream \"{}\"", name));
  UpstreamNode node;
  node.pool.loc = report_loc(d);
  node.pool.name = name;
  ups.push_back(std::move(node));
  Frame f{kUpstream};
  f.upstream = &ups.back();
  l.walk(d.block, std::move(f));
  auto& u = ups.back();
  if (u.pool.servers.empty()) l.error(d, "no servers are inside upstream");
}

void upstream_server(Lowerer& l, const Directive& d) {
  ir::UpstreamServer s;
  s.loc = report_loc(d);
  bool bad_port = false;
  auto hp = parse_host_port(d.args[0].value, &bad_port);
  if (!hp || hp->host == "*") {
    return l.arg_error(d, 0, bad_port ? fmt::format("invalid port in upstream \"{}\"", d.args[0].value)
                                      : fmt::format("invalid host in upstream \"{}\"", d.args[0].value));
  }
  s.address = hp->host;
  s.port = hp->host.rfind("unix:", 0) == 0 ? 0 : (hp->port ? hp->port : 80);
  for (size_t i = 1; i < d.args.size(); ++i) {
    const std::string& p = d.args[i].value;
    auto value_of = [&](std::string_view key) -> Opt<std::string> {
      if (p.rfind(key, 0) == 0) return p.substr(key.size());
      return std::nullopt;
    };
    bool ok = true;
    if (auto v = value_of("weight=")) {
      auto n = parse_int(*v);
      ok = n && *n > 0;
      if (ok) s.weight = *n;
    } else if (auto v = value_of("max_fails=")) {
      auto n = parse_int(*v);
      ok = n.has_value();
      if (ok) s.max_fails = *n;
    } else if (auto v = value_of("fail_timeout=")) {
      auto t = parse_time_ms(*v);
      ok = t.has_value() && v->find("ms") == std::string::npos;  // nginx reads whole seconds here
      if (ok) s.fail_timeout_ms = *t;
    } else if (auto v = value_of("max_conns=")) {
      auto n = parse_int(*v);
      ok = n.has_value();
      if (ok) s.max_conns = *n;
    } else if (p == "backup") {
      s.backup = true;
    } else if (p == "down") {
      s.down = true;
    } else {
      ok = false;
    }
    if (!ok) return l.arg_error(d, i, fmt::format("invalid parameter \"{}\"", p));
  }
  current(l).pool.servers.push_back(std::move(s));
}

void upstream_keepalive(Lowerer& l, const Directive& d) {
  auto n = parse_int(d.args[0].value);
  if (!n || *n < 1) return l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"keepalive\" directive", d.args[0].value));
  current(l).pool.keepalive.max_idle = *n;
}

void upstream_keepalive_timeout(Lowerer& l, const Directive& d) {
  auto t = parse_time_ms(d.args[0].value);
  if (!t) return l.invalid_value(d, 0);
  current(l).pool.keepalive.idle_timeout_ms = *t;
}

void upstream_keepalive_requests(Lowerer& l, const Directive& d) {
  auto n = parse_int(d.args[0].value);
  if (!n) return l.invalid_value(d, 0);
  current(l).pool.keepalive.max_requests = *n;
}

void least_conn(Lowerer& l, const Directive& d) { set_balancing(l, d, ir::Balance::least_conn); }

void ip_hash(Lowerer& l, const Directive& d) { set_balancing(l, d, ir::Balance::ip_hash); }

void hash(Lowerer& l, const Directive& d) {
  if (d.args.size() == 2 && d.args[1].value != "consistent")
    return l.arg_error(d, 1, fmt::format("invalid parameter \"{}\"", d.args[1].value));
  auto key = l.tmpl(d, 0);
  if (!key) return;
  set_balancing(l, d, ir::Balance::hash);
  current(l).pool.balancing.key = std::move(*key);
  current(l).pool.balancing.consistent = d.args.size() == 2;
}

// random [two [least_conn]]: with "two", least_conn picks between the two draws
// (it is also the default method).
void random(Lowerer& l, const Directive& d) {
  if (d.args.size() >= 1 && d.args[0].value != "two")
    return l.arg_error(d, 0, fmt::format("invalid parameter \"{}\"", d.args[0].value));
  if (d.args.size() == 2 && d.args[1].value != "least_conn")
    return l.arg_error(d, 1, fmt::format("invalid parameter \"{}\"", d.args[1].value));
  set_balancing(l, d, ir::Balance::random);
  current(l).pool.balancing.choices = d.args.empty() ? 1 : 2;
}

}  // namespace pg::nginx::handlers
