// Which virtual host answers a request that arrived on a listener: the names of the
// hosts bound to that listener, in nginx's order (exact, longest "*." wildcard,
// longest ".*" wildcard, regexes in configuration order), else the listener's default.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ir/ir.h"
#include "ir/regex.h"
#include "ir/request_view.h"

namespace pg::ir {

class HostSelector {
 public:
  explicit HostSelector(const Config& config);
  ~HostSelector();

  // Index into config.virtual_hosts, or -1 when the listener has none. `host` is the
  // Host header as sent (any case, with or without port, "" when absent).
  int select(int listener, const std::string& host) const;
  // The same, filling `request`'s captures when a regex name matched (nginx's named
  // server_name captures become variables).
  int select(int listener, const std::string& host, RequestView& request) const;
  // The same for a host normalize_host already gave (the runtime has it in the request
  // view): normalising is not idempotent ("a:b:c" -> "a:b" -> "a"), and costs a copy.
  int select_normalized(int listener, const std::string& host, RequestView& request) const;

  // "Example.COM:8080." -> "example.com"
  static std::string normalize_host(std::string_view host);

 private:
  // Made once per configuration (selection runs for every request): compiled regex
  // names per virtual host, and per listener its hosts and exact names.
  struct Tables;
  const Config& config_;
  std::unique_ptr<Tables> tables_;
};

}  // namespace pg::ir
