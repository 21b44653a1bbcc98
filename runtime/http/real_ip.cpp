#include "http/real_ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <vector>

#include "eval/evaluator.h"
#include "ir/route_select.h"

namespace pg::runtime {

namespace {

bool trusted(const ir::RealIp& rules, const std::string& address) {
  return std::any_of(rules.trusted.begin(), rules.trusted.end(),
                     [&](const std::string& cidr) { return ir::cidr_contains(cidr, address); });
}

bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  return s;
}

}  // namespace

std::string real_client_address(const ir::RealIp& rules, const std::string& peer, const ir::RequestView& request) {
  if (rules.trusted.empty() || !trusted(rules, peer) || rules.header == "proxy_protocol") return peer;
  std::string value = Evaluator::header(request, rules.header);
  if (value.empty()) return peer;
  std::vector<std::string> hops;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    hops.push_back(trim(value.substr(start, comma - start)));
    start = comma + 1;
  }
  std::string chosen = hops.back();
  if (rules.recursive) {
    // Right to left past the trusted hops; all trusted: the leftmost, as nginx does.
    chosen = hops.front();
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      if (!trusted(rules, *it)) {
        chosen = *it;
        break;
      }
    }
  }
  return is_ip(chosen) ? chosen : peer;
}

}  // namespace pg::runtime
