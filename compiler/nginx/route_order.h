// nginx's location selection compiled into one ordered, first-match list.
//
// nginx (ngx_http_core_find_location) searches one level at a time: an exact '='
// match ends the search; otherwise the longest matching prefix is remembered and its
// nested locations are searched the same way; then, unless that prefix was '^~', the
// level's regexes are tried in file order; if none matches, the remembered prefix
// wins. A level therefore yields "terminal" entries (they end the search at once) and
// "soft" ones (the enclosing level's regexes are tried before them). The list is
//   exacts, auto-redirects, [for each prefix, longest first: its nested terminals],
//   regexes (guarded against paths whose longest prefix is '^~'), then the softs,
// with nested entries guarded so that they apply only when their parent is the
// longest prefix of its level.
#pragma once

#include <string>
#include <vector>

#include "ir/ir.h"
#include "nginx/lowerer.h"

namespace pg::nginx {

struct OrderedLocation {
  const LocationNode* node = nullptr;
  ir::Matcher match;
  bool auto_redirect = false;  // the 301 to node->path for the path without its '/'
};

std::vector<OrderedLocation> order_locations(const std::vector<LocationNode>& level);

}  // namespace pg::nginx
