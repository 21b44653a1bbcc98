// main, events and http-level directives, logging, real IP and map.
#include <cctype>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "nginx/handlers.h"
#include "nginx/values.h"

namespace pg::nginx::handlers {

void events(Lowerer& l, const Directive& d) {
  l.events_seen = true;
  l.walk(d.block, Frame{kEvents});
}

void http(Lowerer& l, const Directive& d) {
  auto& http = l.http();
  http.present = true;
  http.loc = report_loc(d);
  Frame f{kHttp};
  f.settings = &http.settings;
  l.walk(d.block, std::move(f));
}

void worker_processes(Lowerer& l, const Directive& d) {
  if (d.args[0].value == "auto") {
    l.globals().worker_threads.reset();
    return;
  }
  auto n = parse_int(d.args[0].value);
  if (!n || *n < 1) return l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"worker_processes\" directive", d.args[0].value));
  l.globals().worker_threads = *n;
}

void worker_connections(Lowerer& l, const Directive& d) {
  auto n = parse_int(d.args[0].value);
  if (!n || *n < 1) return l.invalid_value(d, 0);
  l.globals().worker_connections = *n;
}

void pid(Lowerer& l, const Directive& d) { l.globals().pid_file = d.args[0].value; }

void daemon(Lowerer& l, const Directive& d) {
  auto v = parse_flag(d.args[0].value);
  if (!v) return l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"daemon\" directive, it must be \"on\" or \"off\"", d.args[0].value));
  l.globals().daemon = *v;
}

void user(Lowerer& l, const Directive& d) {
  l.globals().user = d.args[0].value;
  if (d.args.size() > 1) l.globals().user += ":" + d.args[1].value;
}

void error_log(Lowerer& l, const Directive& d) {
  static const char* levels[] = {"debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"};
  ir::LogTarget t{report_loc(d), d.args[0].value, "error"};
  if (d.args.size() > 1) {
    bool ok = false;
    for (const char* lv : levels) ok |= d.args[1].value == lv;
    if (!ok) return l.arg_error(d, 1, fmt::format("invalid log level \"{}\"", d.args[1].value));
    t.level = d.args[1].value;
  }
  l.globals().error_logs.push_back(std::move(t));
}

void log_format(Lowerer& l, const Directive& d) {
  auto& formats = l.http().log_formats;
  const std::string& name = d.args[0].value;
  for (const auto& f : formats)
    if (f.name == name) return l.arg_error(d, 0, fmt::format("duplicate \"log_format\" name \"{}\"", name));
  ir::LogFormat f;
  f.loc = report_loc(d);
  f.name = name;
  size_t first = 1;
  if (d.args[1].value.rfind("escape=", 0) == 0) {
    std::string e = d.args[1].value.substr(7);
    if (e == "default") f.escape = ir::LogEscape::standard;
    else if (e == "json") f.escape = ir::LogEscape::json;
    else if (e == "none") f.escape = ir::LogEscape::none;
    else return l.arg_error(d, 1, fmt::format("unknown log format escaping \"{}\"", e));
    first = 2;
  }
  if (first >= d.args.size()) return l.error(d, "invalid number of arguments in \"log_format\" directive");
  std::string text;
  for (size_t i = first; i < d.args.size(); ++i) text += d.args[i].value;
  auto t = l.tmpl(text, l.arg_loc(d, first));
  if (!t) return;
  f.format = std::move(*t);
  formats.push_back(std::move(f));
}

namespace {

// nginx's "syslog:server=ADDR[:PORT],facility=F,severity=S,tag=T,nohostname" as the IR's
// syslog destination (docs/ir.md, AccessLog.path); nullopt when malformed.
std::optional<std::string> syslog_path(const std::string& params) {
  std::string server, facility = "local7", severity = "info", tag = "nginx";
  bool hostname = true;
  size_t pos = 0;
  while (pos <= params.size()) {
    size_t comma = params.find(',', pos);
    std::string item = params.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto take = [&](std::string_view key, std::string& into) {
      if (item.rfind(key, 0) != 0) return false;
      into = item.substr(key.size());
      return true;
    };
    if (item == "nohostname") hostname = false;
    else if (!take("server=", server) && !take("facility=", facility) && !take("severity=", severity) &&
             !take("tag=", tag))
      return std::nullopt;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (server.empty()) return std::nullopt;
  if (server.rfind("unix:", 0) == 0) server = server.substr(5);
  return fmt::format("syslog:{},facility={},level={},format=rfc3164,tag={}{}", server, facility, severity, tag,
                     hostname ? ",hostname" : "");
}

}  // namespace

void access_log(Lowerer& l, const Directive& d) {
  auto& logs = l.frame().settings->access_logs;
  if (d.args[0].value == "off") {
    if (d.args.size() > 1) return l.error(d, "invalid number of arguments in \"access_log\" directive");
    logs = std::vector<ir::AccessLog>{};
    return;
  }
  if (!logs) logs.emplace();
  ir::AccessLog a{report_loc(d), d.args[0].value, "combined"};
  if (a.path.rfind("syslog:", 0) == 0) {
    auto path = syslog_path(a.path.substr(7));
    if (!path) return l.arg_error(d, 0, fmt::format("invalid syslog parameters \"{}\"", a.path));
    a.path = *path;
  }
  for (size_t i = 1; i < d.args.size(); ++i) {
    const std::string& v = d.args[i].value;
    if (i == 1 && v.find('=') == std::string::npos) {
      bool known = v == "combined";
      for (const auto& f : l.http().log_formats) known |= f.name == v;
      if (!known) return l.arg_error(d, i, fmt::format("unknown log format \"{}\"", v));
      a.format = v;
    } else if (v.rfind("buffer=", 0) == 0 || v.rfind("flush=", 0) == 0 || v.rfind("gzip", 0) == 0) {
      l.diags().warning(l.arg_loc(d, i), fmt::format("access_log parameter \"{}\" is ignored by proxyglot: it writes each entry at once", v));
    } else if (v.rfind("if=", 0) == 0) {
      return l.arg_error(d, i, "access_log parameter \"if=\" is not supported by proxyglot yet");
    } else {
      return l.arg_error(d, i, fmt::format("invalid parameter \"{}\"", v));
    }
  }
  logs->push_back(std::move(a));
}

void client_max_body_size(Lowerer& l, const Directive& d) {
  auto v = parse_size(d.args[0].value);
  if (!v) return l.invalid_value(d, 0);
  l.frame().settings->client_max_body_size = *v;
}

void keepalive_timeout(Lowerer& l, const Directive& d) {
  auto v = parse_time_ms(d.args[0].value);
  if (!v) return l.invalid_value(d, 0);
  l.frame().settings->keepalive_timeout = *v;
  if (d.args.size() > 1)
    l.diags().warning(l.arg_loc(d, 1), "keepalive_timeout's second parameter (the \"Keep-Alive: timeout=\" header) is ignored by proxyglot");
}

void absolute_redirect(Lowerer& l, const Directive& d) {
  auto v = parse_flag(d.args[0].value);
  if (!v) return l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"absolute_redirect\" directive, it must be \"on\" or \"off\"", d.args[0].value));
  l.frame().settings->absolute_redirect = std::pair<bool, SourceLoc>{*v, report_loc(d)};
}

void client_header_buffer_size(Lowerer& l, const Directive& d) {
  auto v = parse_size(d.args[0].value);
  if (!v || *v == 0) return l.invalid_value(d, 0);
  l.frame().settings->client_header_buffer_size = *v;
}

void large_client_header_buffers(Lowerer& l, const Directive& d) {
  auto n = parse_int(d.args[0].value);
  if (!n || *n < 1) return l.invalid_value(d, 0);
  auto size = parse_size(d.args[1].value);
  if (!size || *size == 0) return l.invalid_value(d, 1);
  l.frame().settings->large_client_header_buffers = std::pair<int, int64_t>{*n, *size};
}

namespace {

void client_timeout(Lowerer& l, const Directive& d, Opt<std::pair<int64_t, SourceLoc>>& field) {
  auto v = parse_time_ms(d.args[0].value);
  if (!v) return l.invalid_value(d, 0);
  field = std::pair<int64_t, SourceLoc>{*v, report_loc(d)};
}

}  // namespace

void client_header_timeout(Lowerer& l, const Directive& d) { client_timeout(l, d, l.frame().settings->client_header_timeout); }
void client_body_timeout(Lowerer& l, const Directive& d) { client_timeout(l, d, l.frame().settings->client_body_timeout); }
void send_timeout(Lowerer& l, const Directive& d) { client_timeout(l, d, l.frame().settings->client_send_timeout); }

void default_type(Lowerer& l, const Directive& d) { l.frame().settings->default_type = d.args[0].value; }

void set_real_ip_from(Lowerer& l, const Directive& d) {
  auto cidr = parse_cidr(d.args[0].value);
  if (!cidr || *cidr == "all") return l.arg_error(d, 0, fmt::format("invalid parameter \"{}\"", d.args[0].value));
  auto& from = l.frame().settings->real_ip_from;
  if (!from) from.emplace();
  from->push_back(*cidr);
}

void real_ip_header(Lowerer& l, const Directive& d) { l.frame().settings->real_ip_header = d.args[0].value; }

void real_ip_recursive(Lowerer& l, const Directive& d) {
  auto v = parse_flag(d.args[0].value);
  if (!v) return l.arg_error(d, 0, fmt::format("invalid value \"{}\" in \"real_ip_recursive\" directive, it must be \"on\" or \"off\"", d.args[0].value));
  l.frame().settings->real_ip_recursive = *v;
}

// map $source $result { default v; hostnames; key value; ~regex value; ~*regex value; }
// Its block holds key/value pairs, not directives.
void map(Lowerer& l, const Directive& d) {
  ir::Map m;
  m.loc = report_loc(d);
  auto src = l.tmpl(d, 0);
  if (!src) return;
  m.source = std::move(*src);
  const std::string& result = d.args[1].value;
  if (result.size() < 2 || result[0] != '$') return l.arg_error(d, 1, fmt::format("invalid variable name \"{}\"", result));
  m.name = result.substr(1);
  // Variable names are case-insensitive: templates refer to the lower-cased name.
  for (auto& c : m.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& e : d.block) {
    if (e.has_block) { l.error(e, "unexpected \"{\" in map"); continue; }
    if (e.name == "hostnames" && e.args.empty()) { m.hostnames = true; continue; }
    if (e.name == "volatile" && e.args.empty()) continue;  // caching only
    if (e.args.size() != 1) { l.error(e, "invalid number of the map parameters"); continue; }
    auto value = l.tmpl(e, 0);
    if (!value) continue;
    if (e.name == "default") { m.default_value = std::move(*value); continue; }
    ir::MapEntry me;
    me.loc = report_loc(e);
    me.value = std::move(*value);
    std::string key = e.name;
    if (key.size() > 1 && key[0] == '~') {
      bool icase = key[1] == '*';
      me.match = icase ? ir::MapMatch::regex_i : ir::MapMatch::regex;
      me.pattern = key.substr(icase ? 2 : 1);
      Directive probe = e;  // point regex errors at the key
      probe.args.insert(probe.args.begin(), Arg{key, e.loc, false});
      if (!l.check_regex(probe, 0, me.pattern, icase)) continue;
    } else if (key.size() > 1 && key[0] == '\\' && key[1] == '~') {
      me.pattern = key.substr(1);
    } else if (m.hostnames && key.rfind("*.", 0) == 0) {
      me.match = ir::MapMatch::wildcard_prefix;
      me.pattern = key;
    } else if (m.hostnames && key.size() > 1 && key[0] == '.') {
      // ".example.com" is both "example.com" and "*.example.com"
      ir::MapEntry exact = me;
      exact.pattern = key.substr(1);
      m.entries.push_back(std::move(exact));
      me.match = ir::MapMatch::wildcard_prefix;
      me.pattern = "*" + key;
    } else if (m.hostnames && key.size() > 2 && key.compare(key.size() - 2, 2, ".*") == 0) {
      me.match = ir::MapMatch::wildcard_suffix;
      me.pattern = key;
    } else {
      me.pattern = key;
    }
    m.entries.push_back(std::move(me));
  }
  l.http().maps.push_back(std::move(m));
}

}  // namespace pg::nginx::handlers
