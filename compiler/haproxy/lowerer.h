// The lowering state: the sections read so far, the current one, the diagnostics.
// Keyword handlers (handlers_*.cpp) write into it; build_ir.cpp turns it into the IR.
#pragma once

#include <map>
#include <unordered_map>
#include <string>
#include <vector>

#include "diag/diagnostics.h"
#include "haproxy/model.h"
#include "ir/ir.h"

namespace pg::haproxy {

struct GlobalState {
  std::optional<int> nbthread;
  int maxconn = 0;
  std::vector<LogTarget> logs;
  bool daemon = false;  // HAProxy runs in the foreground unless told
  std::string user, pidfile;
};

class Lowerer {
 public:
  Lowerer(Diagnostics& diags, const std::string& file) : diags_(diags), file_(file) {}

  // Reads every line: sections, keyword dispatch through the keyword table.
  void walk(const std::vector<Line>& lines);
  ir::Config build();

  Diagnostics& diags() { return diags_; }
  void error(const SourceLoc& loc, std::string message) { diags_.error(loc, std::move(message)); }
  void warning(const SourceLoc& loc, std::string message) { diags_.warning(loc, std::move(message)); }

  Section section() const { return section_; }
  const char* section_name() const;
  GlobalState& global() { return global_; }
  // The settings the current section writes: a defaults section's or a proxy's.
  Settings& settings();
  Proxy& proxy() { return proxies_.back(); }  // only in frontend/backend/listen
  bool in_proxy() const { return section_ & (kFrontend | kBackend | kListen); }
  const std::vector<Proxy>& proxies() const { return proxies_; }

 private:
  void open_section(const Line& l);
  void finish_defaults();  // a named defaults section is complete: remember it
  void dispatch(const Line& l);

  Diagnostics& diags_;
  std::string file_;
  Section section_ = kNone;
  bool skipping_ = false;  // inside a section proxyglot does not support
  std::string defaults_name_;
  GlobalState global_;
  Settings defaults_;  // the last defaults section (anonymous or named)
  std::map<std::string, Settings> named_defaults_;
  std::vector<Proxy> proxies_;
  std::unordered_map<std::string, std::vector<size_t>> proxy_index_;  // name -> proxies_ indexes
};

}  // namespace pg::haproxy
