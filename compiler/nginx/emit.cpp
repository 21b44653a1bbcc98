// The nginx emitter: IR -> a complete nginx.conf (main, events, http). Each part of
// the configuration is written by its own file: emit_pools.cpp (upstream blocks),
// emit_servers.cpp (server and location blocks), emit_templates.cpp (values).
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "emit/emit_text.h"
#include "emitters.h"
#include "nginx/emit_writer.h"

namespace pg::nginx {

namespace emitter {

namespace {

// The IR's syslog destination (docs/ir.md, AccessLog.path) as nginx's "syslog:server=..."
std::string syslog_target(const std::string& path, const SourceLoc& at, Diagnostics& losses) {
  std::string rest = path.substr(7);
  std::vector<std::string> items;
  for (size_t pos = 0;;) {
    size_t comma = rest.find(',', pos);
    items.push_back(rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  std::string server = items.empty() ? "" : items[0];
  if (!server.empty() && server[0] == '/') server = "unix:" + server;
  if (server == "stdout" || server == "stderr")
    losses.warning(at, fmt::format("nginx cannot send syslog lines to {}: they go to 127.0.0.1:514 instead", server));
  if (server == "stdout" || server == "stderr") server = "127.0.0.1";
  std::string out = "syslog:server=" + server;
  bool hostname = false;
  for (size_t i = 1; i < items.size(); ++i) {
    const std::string& it = items[i];
    if (it.rfind("facility=", 0) == 0 && it != "facility=local7") out += "," + it;
    else if (it.rfind("level=", 0) == 0 && it != "level=info") out += ",severity=" + it.substr(6);
    else if (it.rfind("tag=", 0) == 0 && it != "tag=nginx") out += "," + it;
    else if (it == "hostname") hostname = true;
    else if (it == "pid") losses.warning(at, "nginx's syslog lines carry no process id");
    else if (it.rfind("format=", 0) == 0 && it != "format=rfc3164")
      losses.warning(at, fmt::format("nginx writes syslog lines in rfc3164, not {}", it.substr(7)));
  }
  if (!hostname) out += ",nohostname";
  return out;
}

std::string log_path(const std::string& path, const SourceLoc& at, Diagnostics& losses) {
  if (path == "stderr") return "/dev/stderr";
  if (path == "stdout") return "/dev/stdout";
  if (path.rfind("syslog:", 0) == 0) return syslog_target(path, at, losses);
  return path;
}

bool is_nginx_combined(const ir::LogFormat& f) {
  using V = ir::Var;
  std::vector<std::pair<V, std::string>> want = {
      {V::client_address, ""}, {V::literal, " - "}, {V::remote_user, ""}, {V::literal, " ["},
      {V::time_local, ""}, {V::literal, "] \""}, {V::request_line, ""}, {V::literal, "\" "},
      {V::status, ""}, {V::literal, " "}, {V::body_bytes_sent, ""}, {V::literal, " \""},
      {V::request_header, "referer"}, {V::literal, "\" \""}, {V::request_header, "user-agent"},
      {V::literal, "\""}};
  if (f.escape != ir::LogEscape::standard || f.format.parts.size() != want.size()) return false;
  for (size_t i = 0; i < want.size(); ++i)
    if (f.format.parts[i].var != want[i].first || f.format.parts[i].value != want[i].second ||
        !f.format.parts[i].converters.empty())
      return false;
  return true;
}

}  // namespace

void emit_globals(Context& ctx, Writer& w) {
  const auto& g = ctx.config.globals;
  if (!g.user.empty()) {
    auto colon = g.user.find(':');
    if (colon == std::string::npos) w.directive("user", {g.user});
    else w.directive("user", {g.user.substr(0, colon), g.user.substr(colon + 1)});
  }
  w.line(g.worker_threads ? fmt::format("worker_processes {};", *g.worker_threads) : "worker_processes auto;");
  if (!g.pid_file.empty()) w.directive("pid", {g.pid_file});
  if (!g.daemon) w.line("daemon off;");
  for (const auto& e : g.error_logs) {
    std::string path = e.path.rfind("syslog:", 0) == 0 ? syslog_target(e.path, e.loc, ctx.losses) : e.path;
    if (e.level.empty() || e.level == "error") w.directive("error_log", {path});
    else w.directive("error_log", {path, e.level});
  }
  w.blank();
  w.open("events");
  w.line(fmt::format("worker_connections {};", g.worker_connections));
  w.close();
}

void emit_log_formats(Context& ctx, Writer& w) {
  std::set<std::string> taken{"combined"};
  for (const auto& f : ctx.config.log_formats) {
    if (f.name == "combined" && is_nginx_combined(f)) {
      ctx.log_formats[f.name] = "combined";
      continue;
    }
    std::string name;
    for (char c : f.name) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
    std::string base = name;
    for (int i = 2; taken.count(name); ++i) name = fmt::format("{}_{}", base, i);
    taken.insert(name);
    ctx.log_formats[f.name] = name;
    if (f.loc.line) w.comment(emit::source_comment(f.loc));
    std::vector<std::string> args{name};
    if (f.escape == ir::LogEscape::json) args.push_back("escape=json");
    if (f.escape == ir::LogEscape::none) args.push_back("escape=none");
    args.push_back(ctx.templates.value(f.format, f.loc, fmt::format("log format \"{}\"", f.name)));
    w.directive("log_format", args);
  }
}

void emit_access_logs(Context& ctx, Writer& w, const std::vector<ir::AccessLog>& logs, const SourceLoc& at) {
  (void)at;
  std::vector<std::vector<std::string>> lines;
  for (const auto& l : logs) {
    if (l.path == "discard") continue;
    std::vector<std::string> args{log_path(l.path, l.loc, ctx.losses)};
    auto it = ctx.log_formats.find(l.format);
    std::string format = it == ctx.log_formats.end() ? "combined" : it->second;
    if (it == ctx.log_formats.end() && l.format != "combined")
      ctx.losses.warning(l.loc, fmt::format("log format \"{}\" is not defined: nginx's combined is used", l.format));
    if (format != "combined") args.push_back(format);
    lines.push_back(std::move(args));
  }
  if (lines.empty()) {
    w.line("access_log off;");
    return;
  }
  for (const auto& a : lines) w.directive("access_log", a);
}

void emit_maps(Context& ctx, Writer& w) {
  std::vector<const ir::Map*> all;
  for (const auto& m : ctx.config.maps) all.push_back(&m);
  for (const auto& m : ctx.generated_maps) all.push_back(&m);
  for (const ir::Map* mp : all) {
    const ir::Map& m = *mp;
    w.blank();
    if (m.loc.line) w.comment(emit::source_comment(m.loc));
    w.open(fmt::format("map {} ${}", quote(ctx.templates.value(m.source, m.loc, "the map's source")), m.name));
    if (m.hostnames) w.line("hostnames;");
    if (!m.default_value.parts.empty())
      w.directive("default", {ctx.templates.value(m.default_value, m.loc, "the map's default")});
    for (const auto& e : m.entries) {
      std::string key;
      switch (e.match) {
        case ir::MapMatch::exact:
          key = e.pattern;
          if (!key.empty() && key[0] == '~') key = "\\" + key;
          if (m.hostnames && (key.rfind("*.", 0) == 0 || key.rfind(".", 0) == 0 ||
                              (key.size() > 2 && key.compare(key.size() - 2, 2, ".*") == 0)))
            ctx.losses.warning(e.loc, fmt::format("nginx reads the map key \"{}\" as a wildcard", e.pattern));
          if (key == "default" || key == "hostnames" || key == "volatile" || key == "include")
            ctx.losses.warning(e.loc, fmt::format("nginx reads the map key \"{}\" as its keyword", e.pattern));
          break;
        case ir::MapMatch::wildcard_prefix:
        case ir::MapMatch::wildcard_suffix:
          key = e.pattern;
          break;
        case ir::MapMatch::regex: key = "~" + e.pattern; break;
        case ir::MapMatch::regex_i: key = "~*" + e.pattern; break;
      }
      std::string value = ctx.templates.value(e.value, e.loc, "a map value");
      w.line(fmt::format("{} {};", quote(key), quote(value)));
    }
    w.close();
  }
  if (ctx.needs_connection_upgrade_map) {
    w.blank();
    w.comment("WebSocket upgrades: pass the client's Upgrade on, keep other upstream connections reusable");
    w.open("map $http_upgrade $" + ctx.connection_upgrade_map);
    w.line("default upgrade;");
    w.line("\"\" \"\";");
    w.close();
  }
}

}  // namespace emitter

std::string emit(const ir::Config& config, Diagnostics& reported) {
  using namespace emitter;
  // The parts look at some routes more than once (to see what a server's locations
  // share): each loss is reported once.
  Diagnostics losses;
  struct Report {
    Diagnostics& from;
    Diagnostics& to;
    ~Report() {
      std::set<std::tuple<std::string, int, int, std::string>> seen;
      for (const auto& d : from.all())
        if (seen.emplace(std::string(d.loc.file.view()), d.loc.line, d.loc.column, d.message).second)
          to.warning(d.loc, d.message);
    }
  } report{losses, reported};
  Context ctx{config, losses, Templates(config, losses), {}, {}, {}, false, "", {}, {}, {}, {}};
  fold_header_dispatch(ctx);
  plan_pools(ctx);
  name_dispatch_pools(ctx);

  Writer settings(1);
  // nginx sets it per location; the IR holds one for the whole configuration.
  if (!config.responses.absolute_redirects) settings.line("absolute_redirect off;");
  Writer formats(1);
  emit_log_formats(ctx, formats);
  // The servers before the maps: they decide which shared maps they need.
  Writer servers(1);
  emit_servers(ctx, servers);
  Writer maps(1);
  emit_maps(ctx, maps);
  Writer pools(1);
  emit_pools(ctx, pools);

  Writer w;
  w.comment(fmt::format("nginx configuration translated by proxyglot, {}", emit::source_comment(config.loc)));
  emit_globals(ctx, w);
  w.blank();
  std::string text = w.text() + "http {\n";
  bool first = true;
  for (const Writer* part : {&settings, &formats, &maps, &pools, &servers}) {
    if (part->text().empty()) continue;
    if (!first) text += "\n";
    first = false;
    text += part->text();
  }
  return text + "}\n";
}

}  // namespace pg::nginx
