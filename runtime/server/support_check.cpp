#include "server/support_check.h"

#include <fmt/format.h>

namespace pg::runtime {

void check_support(const ir::Config& c, Diagnostics& diags) {
  for (const auto& l : c.listeners) {
    std::string name = fmt::format("{}:{}", l.address, l.port);
    if (l.address.rfind("unix:", 0) == 0)
      diags.error(l.loc, fmt::format("listener {}: unix sockets are not supported by the runtime yet", name));
    if (l.tls) diags.error(l.loc, fmt::format("listener {}: TLS is not supported by the runtime yet", name));
    if (l.http2)
      diags.error(l.loc, fmt::format("listener {}: HTTP/2 is not supported by the runtime yet", name));
  }
  for (const auto& p : c.pools) {
    for (const auto& s : p.servers)
      if (s.address.rfind("unix:", 0) == 0)
        diags.error(s.loc, fmt::format("server {}: unix sockets are not supported by the runtime yet", s.address));
  }
  for (const auto& vh : c.virtual_hosts)
    for (const auto* routes : {&vh.routes, &vh.named_routes})
      for (const auto& route : *routes) {
        if (!route.action.proxy) continue;
        const auto& a = *route.action.proxy;
        if (a.protocol == ir::UpstreamProtocol::h2 || a.protocol == ir::UpstreamProtocol::grpc)
          diags.error(route.loc, fmt::format("{}: HTTP/2 and gRPC to upstreams are not supported by the runtime yet", route.name));
        if (a.scheme == "https" || a.scheme == "grpcs")
          diags.error(route.loc, fmt::format("{}: TLS to upstreams is not supported by the runtime yet", route.name));
      }
}

}  // namespace pg::runtime
