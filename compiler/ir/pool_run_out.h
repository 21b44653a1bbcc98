// Whether a pool can be left with no server to try, so that a proxy's "no server"
// status (ProxyAction::no_server_status) is ever sent: it has no usable server to
// begin with, or active checks, passive failure accounting or connection limits can
// take its servers out. Otherwise every failure is a failed connection or a bad answer.
#pragma once

#include <algorithm>

#include "ir/ir.h"

namespace pg::ir {

inline bool pool_can_run_out(const Pool& p) {
  if (p.health_check) return true;
  bool usable = false;
  for (const auto& s : p.servers) {
    if (s.down) continue;
    usable = usable || !s.backup;
    if ((s.max_fails > 0 && s.fail_timeout_ms > 0) || s.max_conns > 0) return true;
  }
  return !usable;
}

}  // namespace pg::ir
