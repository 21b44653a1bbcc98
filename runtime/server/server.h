// The runtime: worker threads, each with its own io_context and its own SO_REUSEPORT
// acceptor per listener (a connection lives on one thread), sharing only the
// immutable configuration snapshot. A stop closes the acceptors and idle connections,
// lets requests in flight finish, and gives up after the shutdown timeout.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <functional>
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
  // Serves until one of `signals` (which the caller blocked in every thread) arrives:
  // calls `on_signal` with it, stops (stop()) and returns when every worker is done; a
  // second signal stops the workers at once.
  // The first worker runs on the calling thread, the others on threads of their own:
  // one worker and no health checks make a single-threaded process, whose every
  // socket call the kernel serves without counting references to the descriptor.
  void run(const sigset_t& signals, const std::function<void(int)>& on_signal);
  // Stops accepting, lets requests in flight finish (up to the shutdown timeout), then
  // stops the workers. Thread-safe.
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
