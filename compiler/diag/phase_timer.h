// Phase timings for the developer: with PROXYGLOT_TIMINGS set in the environment, each
// mark() prints "timing: PHASE  WALL_MS ms  RSS MB" to stderr (wall time since the timer
// was made, the process's resident size then). Off by default: one getenv per timer.
// Used to see where a large translation spends its time (docs/performance.md).
#pragma once

#include <chrono>
#include <string_view>

namespace pg {

class PhaseTimer {
 public:
  PhaseTimer();
  void mark(std::string_view phase) const {
    if (on_) print(phase);
  }

 private:
  void print(std::string_view phase) const;
  bool on_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace pg
