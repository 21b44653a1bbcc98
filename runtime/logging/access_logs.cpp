#include "logging/access_logs.h"

#include <stdexcept>

#include <fmt/format.h>

#include "server/startup_error.h"

namespace pg::runtime {

namespace {

// nginx's default escaping: '"', '\' and bytes outside printable ASCII as \xXX; an
// empty value (a header not sent, no upstream) as "-".
void append_standard(std::string& out, const std::string& v) {
  if (v.empty()) {
    out += '-';
    return;
  }
  for (unsigned char c : v) {
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) out += fmt::format("\\x{:02X}", c);
    else out += static_cast<char>(c);
  }
}

void append_json(std::string& out, const std::string& v) {
  for (unsigned char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
}

}  // namespace

AccessLogs::AccessLogs(const ir::Config& config, const std::optional<std::string>& override_path) {
  std::vector<const ir::Route*> routes;
  for (const auto& vh : config.virtual_hosts) {
    for (const auto& r : vh.routes) routes.push_back(&r);
    for (const auto& r : vh.named_routes) routes.push_back(&r);
    routes.push_back(&vh.fallback);
  }
  for (const ir::Route* r : routes) {
    std::vector<Entry> entries;
    for (const auto& log : r->access_logs) {
      const std::string& path = override_path ? *override_path : log.path;
      if (path == "off") continue;
      const ir::LogFormat* format = nullptr;
      for (const auto& f : config.log_formats)
        if (f.name == log.format) format = &f;
      const std::string where = log.loc.line
                                    ? fmt::format("{}:{}:{}: error: ", log.loc.file.view(), log.loc.line, log.loc.column)
                                    : "error: ";
      if (!format) throw StartupError(fmt::format("{}access log format \"{}\" is not defined", where, log.format));
      auto& sink = sinks_[path];
      if (!sink) {
        try {
          sink = open_log_sink(path);
        } catch (const std::exception& e) {
          sinks_.erase(path);
          throw StartupError(where + e.what());
        }
      }
      entries.push_back({sink.get(), format});
    }
    if (!entries.empty()) by_route_[r] = std::move(entries);
  }
}

std::string AccessLogs::render(const ir::LogFormat& format, ir::RequestView& request, const Evaluator& evaluator) {
  std::string line;
  for (const auto& part : format.format.parts) {
    if (part.var == ir::Var::literal && part.converters.empty()) {
      line += part.value;
      continue;
    }
    std::string v = evaluator.eval_part(part, request);
    switch (format.escape) {
      case ir::LogEscape::standard: append_standard(line, v); break;
      case ir::LogEscape::json: append_json(line, v); break;
      case ir::LogEscape::none: line += v; break;
    }
  }
  return line;
}

void AccessLogs::write(const ir::Route& route, ir::RequestView& request, const Evaluator& evaluator) const {
  auto it = by_route_.find(&route);
  if (it == by_route_.end()) return;
  for (const auto& e : it->second) e.sink->write(render(*e.format, request, evaluator));
}

}  // namespace pg::runtime
