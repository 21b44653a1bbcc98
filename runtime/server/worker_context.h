// What one worker thread owns: its balancers (one per pool, so the data path takes no
// locks), its random source and clock, and the shared stop flag.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <deque>
#include <string>


#include "balancing/balancer.h"
#include "health/health_checks.h"
#include "http/swept_stream.h"
#include "server/buffer_pool.h"
#include "server/clock.h"
#include "ir/ir.h"

namespace pg::runtime {

class WorkerContext {
 public:
  WorkerContext(int id, const std::atomic<bool>& stopping) : id_(id), stopping_(stopping), rng_(std::random_device{}()) {}

  Balancer& balancer(const ir::Pool& pool) {
    auto& b = balancers_[&pool];
    if (!b)
      b = std::make_unique<Balancer>(
          pool, [] { return now_ms(); }, [this] { return static_cast<uint32_t>(rng_()); },
          health_ ? health_->states(pool) : nullptr);
    return *b;
  }

  // The active health checks the balancers consult (set before the worker starts).
  void set_health(const HealthChecks* health) { health_ = health; }

  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

  // Idle upstream connections kept for reuse (the pool's `keepalive`): per worker and
  // server, most recently used last.
  struct IdleUpstream {
    std::unique_ptr<SweptStream> stream;
    int64_t since_ms = 0;
    int requests = 0;  // served on this connection so far
  };
  std::deque<IdleUpstream>& idle_upstreams(const ir::Pool& pool, size_t server) {
    return idle_upstreams_[{&pool, server}];
  }

  // The client connections open on this worker, and its upstream connections (in use
  // or kept idle); the server sweeps their deadlines.
  SweptList& clients() { return clients_; }
  SweptList& upstreams() { return upstreams_; }
  int active() const { return clients_.size(); }
  int connection_limit() const { return connection_limit_; }
  void set_connection_limit(int n) { connection_limit_ = n > 0 ? n : 1; }

  // Connections waiting for their next request close at once on a graceful stop,
  // while connections in the middle of a request finish it first.
  void close_idle() { clients_.close_idle(); }
  int id() const { return id_; }
  BufferPool& body_buffers() { return body_buffers_; }

  static int64_t now_us() { return clock::steady_us(); }
  static int64_t now_ms() { return clock::coarse_ms(); }  // server/clock.h

 private:
  int id_;
  const std::atomic<bool>& stopping_;
  std::mt19937 rng_;
  std::map<const ir::Pool*, std::unique_ptr<Balancer>> balancers_;
  SweptList clients_;
  SweptList upstreams_;
  std::map<std::pair<const ir::Pool*, size_t>, std::deque<IdleUpstream>> idle_upstreams_;
  int connection_limit_ = 512;
  const HealthChecks* health_ = nullptr;
  BufferPool body_buffers_;
};

}  // namespace pg::runtime
