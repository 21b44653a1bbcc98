// The configuration's access logs, opened once per snapshot: each route's list of
// (destination, format) and the rendering of one request's line as the format's
// escaping asks (nginx's default escaping writes "-" for an empty value).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "eval/evaluator.h"
#include "ir/ir.h"
#include "ir/request_view.h"
#include "logging/log_sink.h"

namespace pg::runtime {

class AccessLogs {
 public:
  // Opens every destination the routes name (one sink per distinct path);
  // `override_path` replaces all of them (`run --access-log`). Throws StartupError,
  // "FILE:LINE:COL: error: cannot open ..." naming the directive.
  AccessLogs(const ir::Config& config, const std::optional<std::string>& override_path);

  // Whether any route logs (then requests are timed: Snapshot::times_requests).
  bool any() const { return !by_route_.empty(); }

  // Writes the request's line to each log of `route`; nothing when it has none.
  void write(const ir::Route& route, ir::RequestView& request, const Evaluator& evaluator) const;

  // One line in `format`, as write() renders it.
  static std::string render(const ir::LogFormat& format, ir::RequestView& request, const Evaluator& evaluator);

 private:
  struct Entry {
    LogSink* sink;
    const ir::LogFormat* format;
  };
  std::unordered_map<const ir::Route*, std::vector<Entry>> by_route_;
  std::map<std::string, std::unique_ptr<LogSink>> sinks_;
};

}  // namespace pg::runtime
