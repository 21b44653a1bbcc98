// A route proxying to the pool a map picks from one request header (nginx's
// `map $http_upgrade $pool {...}` with `proxy_pass http://$pool`) as ordinary routes:
// one per map entry, selecting that entry's pool by the header, in the map's lookup
// order (exact strings, then regexes in order), then the route to the default pool.
// One function for the emitters (Caddy, HAProxy) and the comparer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace pg::ir {

// The routes `r` is, or nullopt when it is not such a dispatch or the map does more
// than select pools by the header: every value (entries and default) must name a pool
// of `c`, the map must read one request header without converters and not be a
// `hostnames` map, entries must be exact strings (compared ignoring case, as nginx's
// map does) or regexes, and no entry may match the empty value (an absent header is
// the empty value to the map, where a header predicate does not match). A regex
// "^literal$" becomes an exact header predicate. Each route is `r` with the pool set,
// no dynamic target, and its matcher and the entry's predicate (the predicate alone
// when `r` matches every request). `map_name` gets the map's name.
std::optional<std::vector<Route>> map_dispatch(const Config& c, const Route& r, std::string* map_name = nullptr);

}  // namespace pg::ir
