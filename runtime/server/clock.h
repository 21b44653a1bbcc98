// The runtime's clocks, read several times a request: milliseconds from the coarse
// monotonic clock (a few ms resolution, cheaper) for deadlines, failure windows and
// idle pools; microseconds, monotonic and wall-clock, for what access logs report.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>

namespace pg::runtime::clock {

inline int64_t coarse_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

inline int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline int64_t unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace pg::runtime::clock
