#include "server/snapshot.h"

#include "ir/ir_walk.h"

namespace pg::runtime {

Snapshot::Snapshot(ir::Config config, const std::optional<std::string>& access_log_override)
    : config_(std::move(config)) {
  evaluator_ = std::make_unique<Evaluator>(config_);
  hosts_ = std::make_unique<ir::HostSelector>(config_);
  for (const auto& vh : config_.virtual_hosts) {
    VirtualHostPlan p;
    p.routes = std::make_unique<ir::RouteSelector>(vh, /*jit=*/true);
    p.rewrites = std::make_unique<RewriteProgram>(vh.rewrites);
    for (const auto& r : vh.routes) p.route_rewrites.push_back(std::make_unique<RewriteProgram>(r.rewrites));
    for (const auto& r : vh.named_routes) p.named_rewrites.push_back(std::make_unique<RewriteProgram>(r.rewrites));
    p.fallback_rewrites = std::make_unique<RewriteProgram>(vh.fallback.rewrites);
    plans_.push_back(std::move(p));
  }
  access_logs_ = std::make_unique<AccessLogs>(config_, access_log_override);
  struct {
    bool text(const std::string&) const { return false; }
    bool part(const ir::TemplatePart& p) const {
      using V = ir::Var;
      return p.var == V::request_time || p.var == V::time_local || p.var == V::time_iso8601 || p.var == V::msec ||
             p.var == V::upstream_response_time || p.var == V::upstream_connect_time ||
             p.var == V::upstream_header_time;
    }
  } reads_timing;
  times_requests_ = access_logs_->any() || ir::any_in(config_.virtual_hosts, reads_timing) ||
                    ir::any_in(config_.pools, reads_timing);
  for (const auto& p : config_.pools) {
    pools_.emplace(p.name, &p);  // the first of a name, as the search it replaces found
    auto& texts = server_texts_[&p];
    for (const auto& s : p.servers) texts.push_back(s.address + ":" + std::to_string(s.port));
  }
}

const ir::Pool* Snapshot::pool(const std::string& name) const {
  auto it = pools_.find(name);
  return it == pools_.end() ? nullptr : it->second;
}

}  // namespace pg::runtime
