// Choosing a server of a pool for one attempt, as the IR's balancing policy says,
// with nginx's algorithms (they are what the other two products' configurations are
// compared against): smooth weighted round robin, weighted least connections,
// ip_hash, hash and consistent (ketama) hash on a key, random and random two; and
// Caddy's own: highest-random-weight hashing and cookie stickiness. Backups are used
// only when no primary is available.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "balancing/peers.h"
#include "ir/ir.h"

namespace pg::runtime {

struct PickInput {
  std::string client_address;  // textual IPv4/IPv6, for ip_hash
  std::string key;             // the evaluated balancing key, for hash; the cookie's value, for cookie
};

struct Pick {
  size_t server = 0;   // index into ir::Pool::servers
  bool backup = false;
  size_t peer = 0;     // index into Peers::primary() or backup()
  // Cookie balancing: the cookie value that names this server, when the request's
  // cookie did not (the client is sent it); else null.
  const std::string* set_cookie = nullptr;
};

class Balancer {
 public:
  using Clock = std::function<int64_t()>;      // milliseconds
  using Random = std::function<uint32_t()>;    // uniform 32-bit

  // `health`: the pool's active health check flags (HealthChecks::states), or null.
  Balancer(const ir::Pool& pool, Clock clock, Random random, const std::atomic<bool>* health = nullptr);

  // A new request's attempt state.
  Attempt start() const;
  // The next server to try, or nullopt when none is available (the caller answers
  // with its "no server" status). Marks the peer tried and counts its connection.
  std::optional<Pick> pick(const PickInput& in, Attempt& attempt);
  // The server of index `server` (ir::Pool::servers), when it is available and this
  // attempt has not tried it: a persistence cookie named it. Counted as pick() counts.
  std::optional<Pick> pick_server(size_t server, Attempt& attempt);
  // The attempt on `pick` ended; `failed` feeds passive health.
  void finish(const Pick& pick, bool failed);
  // Whether a server this attempt has not tried yet is available now.
  bool any_left(const Attempt& attempt) const;

  Peers& peers() { return peers_; }

 private:
  std::optional<size_t> round_robin(std::vector<Peer>& peers, Tried& tried, int64_t now);
  std::optional<size_t> positional_round_robin(std::vector<Peer>& peers, Tried& tried, int64_t now,
                                               int64_t& position);
  std::optional<size_t> least_conn(std::vector<Peer>& peers, Tried& tried, int64_t now);
  std::optional<size_t> ip_hash(const PickInput& in, Attempt& a, int64_t now);
  std::optional<size_t> hash(const PickInput& in, Attempt& a, int64_t now);
  std::optional<size_t> consistent_hash(const PickInput& in, Attempt& a, int64_t now);
  std::optional<size_t> random(std::vector<Peer>& peers, Tried& tried, int64_t now);
  std::optional<size_t> first(std::vector<Peer>& peers, Tried& tried, int64_t now);
  std::optional<size_t> cookie(const PickInput& in, std::vector<Peer>& peers, Tried& tried, int64_t now);
  std::optional<size_t> rendezvous(const PickInput& in, std::vector<Peer>& peers, Tried& tried, int64_t now);
  std::optional<size_t> by_policy(ir::Balance policy, const PickInput& in, Attempt& a, bool backup, int64_t now);
  // Peer `i` of the primary or backup list, for this attempt: marked tried and counted.
  Pick take(size_t i, bool backup, Attempt& attempt, int64_t now);

  struct Point {
    uint32_t hash;
    size_t peer;
  };

  const ir::Pool& pool_;
  ir::Balancing balancing_;
  Peers peers_;
  Clock clock_;
  Random random_;
  std::vector<Point> ring_;  // consistent hash points, sorted
  std::vector<std::string> dials_;          // cookie and rendezvous: each server's "host:port", by server index
  std::vector<std::string> cookie_values_;  // cookie balancing: each server's signed address, by server index
  int64_t position_[2] = {0, 0};  // positional round robin: the current position, primary and backup
};

}  // namespace pg::runtime
