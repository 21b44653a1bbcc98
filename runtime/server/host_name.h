// This machine's name, read once: access logs ($hostname) and syslog headers print it.
#pragma once

#include <unistd.h>

#include <string>

namespace pg::runtime {

inline const std::string& host_name() {
  static const std::string name = [] {
    char buf[256] = {};
    gethostname(buf, sizeof(buf) - 1);
    return std::string(buf);
  }();
  return name;
}

}  // namespace pg::runtime
