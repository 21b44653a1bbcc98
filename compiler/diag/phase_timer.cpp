#include "diag/phase_timer.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace pg {

namespace {

// VmRSS of this process in MB, from /proc (0 where there is none).
double rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  return 0;
}

}  // namespace

PhaseTimer::PhaseTimer() : on_(std::getenv("PROXYGLOT_TIMINGS") != nullptr), start_(std::chrono::steady_clock::now()) {}

void PhaseTimer::print(std::string_view phase) const {
  std::chrono::duration<double, std::milli> wall = std::chrono::steady_clock::now() - start_;
  std::fputs(fmt::format("timing: {:<10} {:8.1f} ms {:8.1f} MB\n", phase, wall.count(), rss_mb()).c_str(), stderr);
}

}  // namespace pg
