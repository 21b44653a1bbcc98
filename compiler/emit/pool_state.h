// A pool's balancing and failure state, which the source keeps once for every route
// using the pool (nginx's upstream, a HAProxy backend) and a translation may split:
// Caddy keeps it per reverse_proxy, the HAProxy translation per backend copy.
#pragma once

#include <string>

#include "ir/ir.h"

namespace pg::emit {

// What of the pool's state is worth keeping shared, as "round robin position,
// connection counts, passive failures"; "" when splitting it changes nothing (one
// server and no passive health, or a hash that needs no state).
std::string shared_state(const ir::Pool& pool);

}  // namespace pg::emit
