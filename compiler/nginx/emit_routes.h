// One route's directives: its inherited settings as groups (so that a server block
// can hold what its locations share), its rewrites and its action. Internal to the
// nginx emitter.
#pragma once

#include <string>
#include <vector>

#include "ir/ir.h"
#include "nginx/emit_locations.h"
#include "nginx/emit_writer.h"

namespace pg::nginx::emitter {

// Directives nginx inherits from server to location as one unit (a scalar, or an
// array directive such as add_header that a level replaces whole).
struct Group {
  std::string key;                 // the directive name
  std::vector<std::string> lines;  // complete lines, without indent
  bool array = false;              // inherited only when the level has none of its own
  bool after_pass = false;         // written after proxy_pass in a location
  bool location_only = false;      // valid only after proxy_pass ("proxy_redirect default"): never on a server
};

// Settings every route has (limits, response headers, error pages, access rules, logs).
std::vector<Group> common_groups(Context& ctx, const ir::Route& r);
// Settings only a server block can hold (the request head's limits and timeout),
// from the route whose limits apply to the head: the host's fallback.
std::vector<std::string> server_head_lines(Context& ctx, const ir::Route& fallback);
// Settings of proxying routes (proxy_* and the upstream request's fields).
std::vector<Group> proxy_groups(Context& ctx, const ir::Route& r);
// What nginx assumes when a group is not written.
const std::vector<Group>& default_common_groups(Context& ctx);
const std::vector<Group>& default_proxy_groups(Context& ctx);

// The rewrite program as rewrite/return lines.
std::vector<std::string> rewrite_lines(Context& ctx, const std::vector<ir::RewriteStep>& steps);

// internal, rewrites and the action (proxy_pass/grpc_pass/return) of a route placed
// in `where` (nullptr: a named location).
std::vector<std::string> action_lines(Context& ctx, const ir::Route& r, const PlannedLocation* where);

}  // namespace pg::nginx::emitter
