// The servers of one pool as the balancers see them: weights, live connection counts
// and passive failure accounting (nginx's max_fails/fail_timeout, Caddy's
// max_fails/fail_duration). One Peers per pool and worker thread: the data path takes
// no locks. Time is injected (milliseconds), so behaviour is testable.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "ir/ir.h"

namespace pg::runtime {

struct Peer {
  size_t server = 0;           // index into ir::Pool::servers
  int weight = 1;
  int effective_weight = 1;    // lowered on failures, recovers by one per selection
  int current_weight = 0;      // smooth weighted round robin state
  int64_t position = -1;       // positional round robin: when this peer is next due; -1: not placed yet
  int64_t remainder = 0;       // positional round robin: carried fraction of a step
  int conns = 0;               // requests in flight
  int fails = 0;               // failures in the current window
  int64_t checked_ms = 0;      // when the window started (last failure or probe)
  int64_t accessed_ms = 0;     // last failure
  bool down = false;
  int max_conns = 0;           // 0: unlimited
  int max_fails = 1;           // 0: never taken out
  int64_t fail_timeout_ms = 10000;
  const std::atomic<bool>* healthy = nullptr;  // the active health check's verdict; null: not checked
};

// Which peers of a list an attempt tried: inline for the usual pools (a std::vector<bool>
// was an allocation per proxied request).
using Tried = boost::container::small_vector<bool, 32>;

// One request's attempts: which peers it already tried, how often it re-picked.
struct Attempt {
  Tried tried_primary;
  Tried tried_backup;
  int tries = 0;           // re-picks by a hash balancer before it falls back to round robin
  uint32_t hash = 0;       // running hash of the hash balancers
  int rehash = 0;
};

// Primary and backup peers of a pool, in the pool's order.
class Peers {
 public:
  // `health`: one flag per server of the pool (HealthChecks::states), or null.
  explicit Peers(const ir::Pool& pool, const std::atomic<bool>* health = nullptr);

  std::vector<Peer>& primary() { return primary_; }
  std::vector<Peer>& backup() { return backup_; }
  const std::vector<Peer>& primary() const { return primary_; }
  const std::vector<Peer>& backup() const { return backup_; }
  int total_weight(bool backup) const;

  // Usable now: not down, not failing its active check, not at max_conns, not inside
  // a failure window.
  static bool available(const Peer& p, int64_t now_ms);

  // `p` was picked for an attempt: counts the connection and, once a failure window
  // has passed, starts a new one (the attempt is the probe).
  static void chosen(Peer& p, int64_t now_ms);
  // The attempt on `p` ended: passive health accounting.
  static void finished(Peer& p, bool failed, int64_t now_ms);

 private:
  std::vector<Peer> primary_;
  std::vector<Peer> backup_;
};

}  // namespace pg::runtime
