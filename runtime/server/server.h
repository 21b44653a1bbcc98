// The runtime: worker threads, each with its own io_context and its own SO_REUSEPORT
// acceptor per listener (a connection lives on one thread), sharing only the
// immutable configuration snapshot. A stop closes the acceptors and idle connections,
// lets requests in flight finish, and gives up after the shutdown timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "health/health_checks.h"
#include "server/snapshot.h"

namespace pg::runtime {

struct RunOptions {
  int threads = 0;                               // 0: the config's, else one per core
  std::map<std::string, std::string> binds;      // "0.0.0.0:80" -> "127.0.0.1:0" (tests, port 0)
  int64_t shutdown_timeout_ms = 10000;
};

struct BoundListener {
  int listener = 0;
  std::string configured;  // "0.0.0.0:80"
  std::string bound;       // "127.0.0.1:41233"
};

class Server {
 public:
  Server(std::shared_ptr<const Snapshot> snapshot, RunOptions options);
  ~Server();

  // Binds every listener; throws std::runtime_error naming the address on failure.
  std::vector<BoundListener> bind();
  // Starts the worker threads.
  void start();
  // Returns when every worker is done (after stop()).
  void wait();
  // Thread-safe; for the signal handler.
  void stop();

 private:
  struct Worker;
  std::shared_ptr<const Snapshot> snapshot_;
  RunOptions options_;
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<HealthChecks> health_;
};

}  // namespace pg::runtime
