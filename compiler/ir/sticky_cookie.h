// Caddy's cookie balancing (Balance::cookie) names a server by a signed form of its
// address: what the runtime sets and recognises, and what a translation into
// HAProxy gives its servers as their persistence cookie values, so that clients keep
// their servers across the move.
#pragma once

#include <string>

#include "ir/ir.h"

namespace pg::ir {

// An upstream as Caddy names it (its dial address): "host:port", "[v6]:port".
std::string dial_address(const UpstreamServer& server);

// Caddy 2.6's cookie value for an upstream: HMAC-SHA256 of its dial address keyed with
// the policy's secret (empty by default), in lower-case hex.
std::string signed_address(const std::string& secret, const std::string& dial);

}  // namespace pg::ir
