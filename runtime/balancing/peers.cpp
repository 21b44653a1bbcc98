#include "balancing/peers.h"

namespace pg::runtime {

Peers::Peers(const ir::Pool& pool, const std::atomic<bool>* health) {
  for (size_t i = 0; i < pool.servers.size(); ++i) {
    const auto& s = pool.servers[i];
    Peer p;
    p.server = i;
    p.weight = p.effective_weight = s.weight > 0 ? s.weight : 1;
    p.down = s.down;
    p.max_conns = s.max_conns;
    p.max_fails = s.max_fails;
    p.fail_timeout_ms = s.fail_timeout_ms;
    if (health) p.healthy = &health[i];
    (s.backup ? backup_ : primary_).push_back(p);
  }
}

int Peers::total_weight(bool backup) const {
  int total = 0;
  for (const auto& p : backup ? backup_ : primary_) total += p.weight;
  return total;
}

bool Peers::available(const Peer& p, int64_t now_ms) {
  if (p.down) return false;
  if (p.healthy && !p.healthy->load(std::memory_order_relaxed)) return false;
  if (p.max_conns && p.conns >= p.max_conns) return false;
  // After max_fails failures within fail_timeout the peer rests for fail_timeout.
  if (p.max_fails && p.fails >= p.max_fails && now_ms - p.checked_ms <= p.fail_timeout_ms) return false;
  return true;
}

void Peers::chosen(Peer& p, int64_t now_ms) {
  p.conns++;
  if (now_ms - p.checked_ms > p.fail_timeout_ms) p.checked_ms = now_ms;
}

void Peers::finished(Peer& p, bool failed, int64_t now_ms) {
  if (p.conns > 0) p.conns--;
  if (failed) {
    p.fails++;
    p.accessed_ms = now_ms;
    p.checked_ms = now_ms;
    // nginx lowers the effective weight so a failing peer gets less traffic as it recovers.
    if (p.max_fails) {
      p.effective_weight -= p.weight / p.max_fails;
      if (p.effective_weight < 0) p.effective_weight = 0;
    }
    return;
  }
  // A success on a probe (a window started after the last failure) forgives them.
  if (p.accessed_ms < p.checked_ms) p.fails = 0;
}

}  // namespace pg::runtime
