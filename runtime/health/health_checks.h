// Active health checks (HAProxy `check` with or without `option httpchk`, Caddy's
// `health_uri` and friends): a thread of their own probes every server of every pool
// that has an ir::HealthCheck, every interval, and keeps each server's verdict in an
// atomic flag that every worker's balancer reads. A server starts healthy (as in
// HAProxy and Caddy); `fall` failed probes in a row take it out, `rise` good ones bring
// it back. State changes are logged to stderr.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <thread>

#include <boost/asio/io_context.hpp>

#include "ir/ir.h"

namespace pg::runtime {

class HealthChecks {
 public:
  explicit HealthChecks(const ir::Config& config);
  ~HealthChecks();
  HealthChecks(const HealthChecks&) = delete;
  HealthChecks& operator=(const HealthChecks&) = delete;

  // One flag per server of `pool` (its index in pool.servers), true while healthy;
  // nullptr when the pool has no active checks.
  const std::atomic<bool>* states(const ir::Pool& pool) const;

  void start();  // no-op without checked pools
  void stop();   // idempotent; joins the thread

 private:
  struct PoolHealth {
    const ir::Pool* pool = nullptr;
    std::unique_ptr<std::atomic<bool>[]> healthy;
  };
  std::map<const ir::Pool*, PoolHealth> pools_;
  boost::asio::io_context io_{1};
  std::thread thread_;
};

}  // namespace pg::runtime
