// Running an io_context on its own thread until it is stopped: a handler that throws
// is reported and the loop goes on, so one failure never takes the thread's other
// connections (or checks) down with it.
#pragma once

#include <cstdio>
#include <exception>

#include <boost/asio/io_context.hpp>

namespace pg::runtime {

inline void run_until_stopped(boost::asio::io_context& io, const char* what) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "proxyglot: %s: internal error in a handler: %s\n", what, e.what());
    }
  }
}

}  // namespace pg::runtime
