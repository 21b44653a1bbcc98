// Running a real tool from a test (nginx -t, haproxy -c...): its output, stdout and
// stderr together.
#pragma once

#include <array>
#include <cstdio>
#include <string>

namespace pg::test {

inline std::string run_capture(const std::string& command) {
  std::string out;
  if (FILE* p = popen((command + " 2>&1").c_str(), "r")) {
    std::array<char, 512> buf{};
    while (fgets(buf.data(), buf.size(), p)) out += buf.data();
    pclose(p);
  }
  return out;
}

}  // namespace pg::test
