// State shared by the pieces of the Caddyfile emitter (emit*.cpp): the IR, where
// losses go, and the per-site names of named matchers.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <vector>
#include <string>
#include <string_view>

#include "caddy/emit_snippets.h"
#include "caddy/emit_writer.h"
#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::caddy {

struct EmitContext {
  const ir::Config& config;
  Diagnostics& losses;
  std::set<std::string> matcher_names;  // of the site being written
  Snippets snippets;                    // lines many handles share, written once

  // "caddy cannot express WHAT; INSTEAD" at `loc`.
  void cannot(const SourceLoc& loc, std::string_view what, std::string_view instead) {
    losses.warning(loc, "caddy cannot express " + std::string(what) + "; " + std::string(instead));
  }
  // A matcher name not used yet in this site, from `base` ("api" -> "api", "api2").
  std::string matcher_name(std::string_view base);
  const ir::Pool* pool(const std::string& name) const;
  mutable std::map<std::string, const ir::Pool*, std::less<>> pools_by_name;  // made by pool() on first use
  // reverse_proxy directives written per pool: each keeps its own balancing state.
  std::map<const ir::Pool*, int> proxies_of;
};

// `t` with Caddy placeholders; captures name the regex matcher `regex_name`. What Caddy
// has no placeholder for is reported at `loc` and written as near as possible.
std::string placeholders(EmitContext& cx, const ir::Template& t, const SourceLoc& loc,
                         std::string_view regex_name = "");

// "10MiB", "512KiB" or bytes: a size Caddy reads back exactly.
std::string size_text(int64_t bytes);

// The reverse_proxy directive (with its block) for a proxy route.
void emit_proxy(EmitContext& cx, Writer& w, const ir::Route& route, std::string_view regex_name);

// A route proxying to the pool a map picks from one request header (nginx's `map
// $http_x $p {...}` + `proxy_pass http://$p`) as routes selecting each pool by that
// header, in the map's lookup order, then the default pool's; nullopt when the map does
// more than that. `map_name` gets the map's name.
std::optional<std::vector<ir::Route>> map_dispatch_routes(const EmitContext& cx, const ir::Route& r,
                                                          std::string* map_name = nullptr);

// A virtual host's rewrites, routes and fallback as the body of a site block.
void emit_site_body(EmitContext& cx, Writer& w, const ir::VirtualHost& vh);

}  // namespace pg::caddy
