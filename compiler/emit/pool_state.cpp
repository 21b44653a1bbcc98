#include "emit/pool_state.h"

#include <algorithm>

namespace pg::emit {

std::string shared_state(const ir::Pool& pool) {
  std::string out;
  auto add = [&](const char* what) { out += out.empty() ? what : std::string(", ") + what; };
  const auto& b = pool.balancing;
  if (pool.servers.size() > 1) {
    if (b.policy == ir::Balance::round_robin) add("round robin position");
    if (b.policy == ir::Balance::least_conn || (b.policy == ir::Balance::random && b.choices > 1))
      add("connection counts");
  }
  if (std::any_of(pool.servers.begin(), pool.servers.end(), [](const ir::UpstreamServer& s) { return s.max_fails > 0; }))
    add("passive failure records");
  if (pool.health_check) add("active health checks (each copy probes on its own)");
  return out;
}

}  // namespace pg::emit
