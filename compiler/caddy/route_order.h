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
  // Per route: the directive it came from, and whether (in handle_errors) it answers
  // with the error's status.
  std::vector<std::string> directives;
  std::vector<bool> keeps_error_status;
};

// `site`'s items as routes, every route's matcher ANDed with `site_match`.
CompiledSite compile_routes(Lowerer& l, Site& site, const std::optional<ir::Matcher>& site_match);

// handle_errors: the site's error routes as named routes, and the error pages that lead
// there, for the statuses in `statuses` (what the site's handlers can fail with). Each
// error route gets the statuses its matchers admit that no earlier one took.
struct CompiledErrors {
  std::vector<ir::Route> named_routes;
  std::vector<ir::ErrorPage> pages;
};
CompiledErrors compile_error_routes(Lowerer& l, Site& site, const std::vector<int>& statuses);

}  // namespace pg::caddy
