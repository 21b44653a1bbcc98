// Where access-log lines go: a file opened for appending, stderr or stdout, nowhere,
// or a syslog destination (UDP, a unix datagram socket such as /dev/log, or stdout/
// stderr) with the header its format asks for. Each line leaves in one write() or
// send(), so worker threads share a sink without a lock and lines never interleave.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace pg::runtime {

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(std::string_view line) = 0;  // without the newline
};

// The sink for an IR AccessLog.path (docs/ir.md): a file path, "stderr", "stdout",
// "discard", or "syslog:ADDRESS,facility=F,level=L,format=F,tag=T[,hostname][,pid]".
// Throws std::runtime_error saying why it cannot be opened.
std::unique_ptr<LogSink> open_log_sink(const std::string& path);

}  // namespace pg::runtime
