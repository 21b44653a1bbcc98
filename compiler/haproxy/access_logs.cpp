#include "haproxy/access_logs.h"

#include <fmt/format.h>

#include "haproxy/model.h"

namespace pg::haproxy {

// The target as syslog sees it; the runtime writes HAProxy's header (format) and tag.
// Traffic logs go out at level info.
std::string LogTarget::ir_path() const {
  return fmt::format("syslog:{},facility={},level=info,format={},tag=haproxy,pid", target, facility, format);
}

bool LogTarget::takes_traffic_logs() const {
  return level.empty() || level == "info" || level == "debug";
}

std::string access_log_format_name(bool httplog, const std::string& frontend) {
  return fmt::format("{}:{}", httplog ? "httplog" : "haproxy_default", frontend);
}

ir::LogFormat access_log_format(const std::string& name) {
  using V = ir::Var;
  auto colon = name.find(':');
  const std::string frontend = name.substr(colon + 1);
  const bool httplog = name.compare(0, colon, "httplog") == 0;
  ir::LogFormat f;
  f.name = name;
  f.escape = ir::LogEscape::none;
  auto& p = f.format.parts;
  // Shared start: "%ci:%cp [%tr] %ft %b/%s " (%t, the accept date, for the default format).
  p = {{V::client_address, ""}, {V::literal, ":"}, {V::client_port, ""}, {V::literal, " ["},
       {V::time_local, "ms"}, {V::literal, fmt::format("] {} ", frontend)}, {V::upstream_pool, ""},
       {V::literal, "/"}, {V::upstream_name, ""}, {V::literal, " "}};
  if (httplog) {
    // "%TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r".
    // proxyglot has no queue (Tw, sq, bq are 0) and no captures (CC, CS are "-", hr and
    // hs empty, as HAProxy prints them without `capture`). Approximated: the
    // termination state is always "----", bc and sc are 0.
    p.insert(p.end(), {{V::request_time, "header_ms"}, {V::literal, "/0/"}, {V::upstream_connect_time, "ms"},
                       {V::literal, "/"}, {V::upstream_header_time, "ms"}, {V::literal, "/"},
                       {V::request_time, "ms"}, {V::literal, " "}, {V::status, ""}, {V::literal, " "},
                       {V::bytes_sent, ""}, {V::literal, " - - ---- "}, {V::connections_active, ""},
                       {V::literal, "/"}, {V::connections_active, ""}, {V::literal, "/0/0/"},
                       {V::upstream_retries, ""}, {V::literal, " 0/0 \""}, {V::request_line, ""},
                       {V::literal, "\""}});
  } else {
    // "%Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq" (the termination state approximated).
    p.insert(p.end(), {{V::literal, "0/"}, {V::upstream_connect_time, "ms"}, {V::literal, "/"},
                       {V::request_time, "ms"}, {V::literal, " "}, {V::bytes_sent, ""}, {V::literal, " -- "},
                       {V::connections_active, ""}, {V::literal, "/"}, {V::connections_active, ""},
                       {V::literal, "/0/0/"}, {V::upstream_retries, ""}, {V::literal, " 0/0"}});
  }
  return f;
}

}  // namespace pg::haproxy
