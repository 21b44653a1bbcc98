// The client's real address when it came through trusted proxies (nginx's realip
// module, Caddy's trusted_proxies): taken from the configured header only when the
// connection's peer is trusted; with a list (X-Forwarded-For), the rightmost entry, or
// with `recursive` the rightmost one that is not itself trusted - never the leftmost
// by default, which any client can forge.
#pragma once

#include <string>

#include "ir/ir.h"
#include "ir/request_view.h"

namespace pg::runtime {

// The address to use as the client's; `peer` when the header does not apply.
std::string real_client_address(const ir::RealIp& rules, const std::string& peer, const ir::RequestView& request);

}  // namespace pg::runtime
