// server { } and location { } blocks and what configures them: listen, server_name,
// TLS, response headers, access rules, error pages.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "nginx/handlers.h"
#include "nginx/values.h"

namespace pg::nginx::handlers {

namespace {

std::string lower_case(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string label_of(LocKind kind, const std::string& path) {
  switch (kind) {
    case LocKind::exact: return "location = " + path;
    case LocKind::noregex: return "location ^~ " + path;
    case LocKind::regex: return "location ~ " + path;
    case LocKind::regex_i: return "location ~* " + path;
    default: return "location " + path;
  }
}

// Locations nginx treats as the same: equal exact names, equal prefixes (with or
// without ^~), equal named locations.
bool same_location(const LocationNode& a, LocKind kind, const std::string& path) {
  auto group = [](LocKind k) {
    switch (k) {
      case LocKind::exact: return 0;
      case LocKind::prefix: case LocKind::noregex: return 1;
      case LocKind::named: return 2;
      default: return 3;
    }
  };
  return group(a.kind) == group(kind) && group(kind) != 3 && a.path == path;
}

}  // namespace

void server(Lowerer& l, const Directive& d) {
  auto& servers = l.http().servers;
  servers.emplace_back();
  ServerNode& s = servers.back();
  s.loc = report_loc(d);
  Frame f{kServer};
  f.settings = &s.settings;
  f.server = &s;
  l.walk(d.block, std::move(f));
  if (s.listens.empty()) s.listens.push_back(Listen{s.loc, "0.0.0.0", 80});
}

void listen(Lowerer& l, const Directive& d) {
  Listen ls;
  ls.loc = l.arg_loc(d, 0);
  bool bad_port = false;
  auto hp = parse_host_port(d.args[0].value, &bad_port);
  if (!hp) {
    return l.arg_error(d, 0, bad_port ? fmt::format("invalid port in \"{}\" of the \"listen\" directive", d.args[0].value)
                                      : fmt::format("host not found in \"{}\" of the \"listen\" directive", d.args[0].value));
  }
  if (hp->host == "*") ls.address = "0.0.0.0";
  else if (hp->host == "localhost") ls.address = "127.0.0.1";
  else ls.address = hp->host;
  ls.port = hp->host.rfind("unix:", 0) == 0 ? 0 : (hp->port ? hp->port : 80);
  for (size_t i = 1; i < d.args.size(); ++i) {
    const std::string& p = d.args[i].value;
    if (p == "default_server" || p == "default") ls.default_server = true;
    else if (p == "ssl") ls.ssl = true;
    else if (p == "http2") ls.http2 = true;
    else if (p == "proxy_protocol" || p == "quic" || p == "http3" || p == "spdy")
      return l.arg_error(d, i, fmt::format("listen parameter \"{}\" is not supported by proxyglot yet", p));
    else if (p == "deferred" || p == "bind" || p == "reuseport" || p.rfind("backlog=", 0) == 0 ||
             p.rfind("rcvbuf=", 0) == 0 || p.rfind("sndbuf=", 0) == 0 || p.rfind("fastopen=", 0) == 0 ||
             p.rfind("so_keepalive=", 0) == 0 || p.rfind("ipv6only=", 0) == 0 ||
             p.rfind("accept_filter=", 0) == 0 || p.rfind("setfib=", 0) == 0)
      l.diags().warning(l.arg_loc(d, i), fmt::format("listen parameter \"{}\" is ignored by proxyglot", p));
    else
      return l.arg_error(d, i, fmt::format("invalid parameter \"{}\"", p));
  }
  l.frame().server->listens.push_back(std::move(ls));
}

void server_name(Lowerer& l, const Directive& d) {
  auto& s = *l.frame().server;
  s.has_server_name = true;
  for (size_t i = 0; i < d.args.size(); ++i) {
    const std::string& raw = d.args[i].value;
    ir::ServerName n;
    n.loc = l.arg_loc(d, i);
    if (raw.empty()) continue;  // "": requests without a Host match by default server only
    if (raw[0] == '~') {
      n.kind = ir::NameKind::regex;
      n.value = raw.substr(1);
      if (!l.check_regex(d, i, n.value, false)) continue;
      collect_captures(n.value, l.names().captures);
      s.names.push_back(std::move(n));
      continue;
    }
    std::string name = lower_case(raw);
    size_t stars = std::count(name.begin(), name.end(), '*');
    if (name[0] == '.' && stars == 0 && name.size() > 1) {
      n.value = name.substr(1);  // ".example.com": the name and all its subdomains
      s.names.push_back(n);
      n.kind = ir::NameKind::wildcard_prefix;
      n.value = "*" + name;
    } else if (stars == 1 && name.rfind("*.", 0) == 0 && name.size() > 2) {
      n.kind = ir::NameKind::wildcard_prefix;
      n.value = name;
    } else if (stars == 1 && name.size() > 2 && name.compare(name.size() - 2, 2, ".*") == 0) {
      n.kind = ir::NameKind::wildcard_suffix;
      n.value = name;
    } else if (stars == 0) {
      n.value = name;
    } else {
      l.arg_error(d, i, fmt::format("invalid server name or wildcard \"{}\"", raw));
      continue;
    }
    s.names.push_back(std::move(n));
  }
}

void location(Lowerer& l, const Directive& d) {
  Frame& parent = l.frame();
  LocKind kind = LocKind::prefix;
  std::string path;
  if (d.args.size() == 2) {
    const std::string& mod = d.args[0].value;
    path = d.args[1].value;
    if (mod == "=") kind = LocKind::exact;
    else if (mod == "~") kind = LocKind::regex;
    else if (mod == "~*") kind = LocKind::regex_i;
    else if (mod == "^~") kind = LocKind::noregex;
    else return l.arg_error(d, 0, fmt::format("invalid location modifier \"{}\"", mod));
  } else {
    const std::string& a = d.args[0].value;
    if (a.size() > 1 && a[0] == '=') { kind = LocKind::exact; path = a.substr(1); }
    else if (a.size() > 2 && a.rfind("~*", 0) == 0) { kind = LocKind::regex_i; path = a.substr(2); }
    else if (a.size() > 1 && a[0] == '~') { kind = LocKind::regex; path = a.substr(1); }
    else if (a.size() > 2 && a.rfind("^~", 0) == 0) { kind = LocKind::noregex; path = a.substr(2); }
    else if (!a.empty() && a[0] == '@') { kind = LocKind::named; path = a; }
    else path = a;
  }
  size_t path_arg = d.args.size() - 1;
  if (kind == LocKind::regex || kind == LocKind::regex_i) {
    if (!l.check_regex(d, path_arg, path, kind == LocKind::regex_i)) return;
    collect_captures(path, l.names().captures);
  }

  std::vector<LocationNode>* siblings = nullptr;
  if (parent.location) {
    const LocationNode& p = *parent.location;
    if (p.kind == LocKind::exact)
      return l.error(d, fmt::format("location \"{}\" cannot be inside the exact location \"{}\"", path, p.path));
    if (p.kind == LocKind::named)
      return l.error(d, fmt::format("location \"{}\" cannot be inside the named location \"{}\"", path, p.path));
    if (kind == LocKind::named)
      return l.error(d, fmt::format("named location \"{}\" can be on the server level only", path));
    if (kind != LocKind::regex && kind != LocKind::regex_i && path.compare(0, p.path.size(), p.path) != 0)
      return l.error(d, fmt::format("location \"{}\" is outside location \"{}\"", path, p.path));
    siblings = &parent.location->children;
  } else {
    siblings = &parent.server->locations;
  }
  for (const auto& sib : *siblings)
    if (same_location(sib, kind, path)) return l.error(d, fmt::format("duplicate location \"{}\"", path));

  siblings->emplace_back();
  LocationNode& node = siblings->back();
  node.loc = report_loc(d);
  node.kind = kind;
  node.path = path;
  node.label = label_of(kind, path);
  Frame f{kLocation};
  f.settings = &node.settings;
  f.server = parent.server;
  f.location = &node;
  l.walk(d.block, std::move(f));
}

void ssl_certificate(Lowerer& l, const Directive& d) {
  auto& s = *l.frame().settings;
  if (!s.ssl_certificates) {
    s.ssl_certificates.emplace();
    s.ssl_certificate_loc = report_loc(d);
  }
  s.ssl_certificates->push_back(d.args[0].value);
}

void ssl_certificate_key(Lowerer& l, const Directive& d) {
  auto& keys = l.frame().settings->ssl_certificate_keys;
  if (!keys) keys.emplace();
  keys->push_back(d.args[0].value);
}

void ssl_protocols(Lowerer& l, const Directive& d) {
  static const char* known[] = {"SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
  std::vector<std::string> protocols;
  for (size_t i = 0; i < d.args.size(); ++i) {
    bool ok = false;
    for (const char* k : known) ok |= d.args[i].value == k;
    if (!ok) return l.arg_error(d, i, fmt::format("invalid value \"{}\" in \"ssl_protocols\" directive", d.args[i].value));
    protocols.push_back(d.args[i].value);
  }
  l.frame().settings->ssl_protocols = std::move(protocols);
}

void add_header(Lowerer& l, const Directive& d) {
  if (d.args.size() == 3 && d.args[2].value != "always")
    return l.arg_error(d, 2, fmt::format("invalid parameter \"{}\"", d.args[2].value));
  auto value = l.tmpl(d, 1);
  if (!value) return;
  auto& headers = l.frame().settings->add_headers;
  if (!headers) headers.emplace();
  headers->push_back(ir::HeaderOp{report_loc(d), ir::HeaderOpKind::add, d.args[0].value,
                                  std::move(*value), d.args.size() == 3, {}});
}

static void access_rule(Lowerer& l, const Directive& d, bool allow) {
  auto cidr = parse_cidr(d.args[0].value);
  if (!cidr) return l.arg_error(d, 0, fmt::format("invalid parameter \"{}\"", d.args[0].value));
  auto& rules = l.frame().settings->access;
  if (!rules) rules.emplace();
  rules->push_back(ir::AccessRule{report_loc(d), allow, *cidr});
}

void allow(Lowerer& l, const Directive& d) { access_rule(l, d, true); }
void deny(Lowerer& l, const Directive& d) { access_rule(l, d, false); }

void error_page(Lowerer& l, const Directive& d) {
  ir::ErrorPage ep;
  ep.loc = report_loc(d);
  size_t last = d.args.size() - 1;
  size_t codes_end = last;
  const std::string& maybe_status = d.args[last - 1].value;
  if (!maybe_status.empty() && maybe_status[0] == '=') {
    codes_end = last - 1;
    if (maybe_status.size() == 1) {
      ep.status_mode = ir::ErrorStatus::from_target;
    } else {
      auto code = parse_int(std::string_view(maybe_status).substr(1));
      if (!code || *code > 999) return l.arg_error(d, last - 1, fmt::format("invalid value \"{}\"", maybe_status));
      ep.status_mode = ir::ErrorStatus::set;
      ep.status = *code;
    }
  }
  if (codes_end == 0) return l.error(d, "invalid number of arguments in \"error_page\" directive");
  for (size_t i = 0; i < codes_end; ++i) {
    auto code = parse_int(d.args[i].value);
    if (!code) return l.arg_error(d, i, fmt::format("invalid value \"{}\"", d.args[i].value));
    if (*code < 300 || *code > 599 || *code == 499)
      return l.arg_error(d, i, fmt::format("value \"{}\" must be between 300 and 599", d.args[i].value));
    ep.codes.push_back(*code);
  }
  const std::string& target = d.args[last].value;
  auto t = l.tmpl(d, last);
  if (!t) return;
  ep.target = std::move(*t);
  if (!target.empty() && target[0] == '@') {
    // The named route's full name: `location @name` is the route "location @name".
    ep.target_kind = ir::ErrorTarget::named_route;
    ep.target = ir::Template{{{ir::Var::literal, "location " + target}}};
  } else if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 ||
             target.rfind("$scheme", 0) == 0) {
    ep.target_kind = ir::ErrorTarget::redirect;
    bool redirect_code = ep.status_mode == ir::ErrorStatus::set &&
                         (ep.status == 301 || ep.status == 302 || ep.status == 303 ||
                          ep.status == 307 || ep.status == 308);
    if (!redirect_code) {  // nginx answers 302 unless a redirect code was given
      ep.status_mode = ir::ErrorStatus::set;
      ep.status = 302;
    }
  }
  auto& pages = l.frame().settings->error_pages;
  if (!pages) pages.emplace();
  pages->push_back(std::move(ep));
}

void internal(Lowerer& l, const Directive&) { l.frame().location->internal = true; }

}  // namespace pg::nginx::handlers
