// Caddy's handler chain compiled into the IR's ordered first-match routes: directives
// sorted by Caddy's directive order and, within one directive, by path length (as
// httpcaddyfile sorts them); middleware (header, request_header, rewrite, uri) folded
// into the routes that follow it; handle blocks flattened; route blocks kept in order.
#pragma once

#include <vector>

#include "caddy/lowerer.h"

namespace pg::caddy {

// Caddy 2.6's sort of one block's items: Go's sort.SliceStable with httpcaddyfile's
// comparison.
void sort_items(std::vector<Item>& items);

struct CompiledSite {
  std::vector<ir::RewriteStep> rewrites;  // site-level rewrite/uri: before route selection
  std::vector<ir::Route> routes;
  ir::Route fallback;
};

// `site`'s items as routes, every route's matcher ANDed with `site_match`.
CompiledSite compile_routes(Lowerer& l, Site& site, const std::optional<ir::Matcher>& site_match);

}  // namespace pg::caddy
