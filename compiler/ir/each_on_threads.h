// A loop over independent items shared by a few threads: the comparison of a large
// configuration (ir/equivalence.cpp) reshapes its hosts and compares them so, each
// item on whichever thread is free, results kept by index so the output's order does
// not depend on the threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pg::ir {

// f(0) ... f(n - 1), each once, on `threads` threads (1: this one only). The first
// exception an item throws is rethrown here once every thread is done.
template <typename F>
void each_on_threads(size_t n, int threads, F f) {
  std::atomic<size_t> next{0};
  std::exception_ptr failed;
  std::mutex failing;
  auto worker = [&] {
    for (size_t i; (i = next++) < n;) {
      try {
        f(i);
      } catch (...) {
        std::lock_guard lock(failing);
        if (!failed) failed = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) helpers.emplace_back(worker);
  worker();
  for (auto& t : helpers) t.join();
  if (failed) std::rethrow_exception(failed);
}

}  // namespace pg::ir
