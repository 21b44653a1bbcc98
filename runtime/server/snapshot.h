// One loaded configuration, immutable and shared by every worker thread: the IR and
// what is precompiled from it (host and route selectors, rewrite programs, template
// evaluator). Reloading swaps the whole snapshot.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "eval/evaluator.h"
#include "eval/rewrite_program.h"
#include "logging/access_logs.h"
#include "ir/host_select.h"
#include "ir/ir.h"
#include "ir/route_select.h"

namespace pg::runtime {

struct VirtualHostPlan {
  std::unique_ptr<ir::RouteSelector> routes;
  std::unique_ptr<RewriteProgram> rewrites;               // the host's own, before selection
  std::vector<std::unique_ptr<RewriteProgram>> route_rewrites;  // per route
  std::vector<std::unique_ptr<RewriteProgram>> named_rewrites;  // per named route
  std::unique_ptr<RewriteProgram> fallback_rewrites;
};

class Snapshot {
 public:
  // Opens the access logs (throws std::runtime_error when one cannot be opened);
  // `access_log_override` replaces every destination (`run --access-log`).
  explicit Snapshot(ir::Config config, const std::optional<std::string>& access_log_override = std::nullopt);

  const ir::Config& config() const { return config_; }
  const Evaluator& evaluator() const { return *evaluator_; }
  const ir::HostSelector& hosts() const { return *hosts_; }
  const VirtualHostPlan& plan(size_t vhost) const { return plans_.at(vhost); }
  const ir::Pool* pool(const std::string& name) const;
  // "address:port" of a pool's server, as logs and templates show it.
  const std::string& server_text(const ir::Pool& pool, size_t server) const {
    return server_texts_.at(&pool)[server];
  }
  const AccessLogs& access_logs() const { return *access_logs_; }
  // Whether requests are timed: some route logs, or a template outside the logs reads
  // a timing ($msec, $request_time, $upstream_header_time...). Else the precise clocks
  // are not read at all.
  bool times_requests() const { return times_requests_; }

 private:
  ir::Config config_;
  std::unique_ptr<Evaluator> evaluator_;
  std::unique_ptr<ir::HostSelector> hosts_;
  std::vector<VirtualHostPlan> plans_;
  std::unique_ptr<AccessLogs> access_logs_;
  bool times_requests_ = true;
  // Looked up for every proxied request: by name, and the servers' texts made once.
  std::unordered_map<std::string, const ir::Pool*> pools_;
  std::unordered_map<const ir::Pool*, std::vector<std::string>> server_texts_;
};

}  // namespace pg::runtime
