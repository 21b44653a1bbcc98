#include "ir/host_select.h"

#include <algorithm>
#include <cctype>

namespace pg::ir {

struct HostSelector::Regexes {
  std::vector<std::vector<std::pair<const ServerName*, Regex>>> by_vhost;
};

HostSelector::HostSelector(const Config& config) : config_(config), regexes_(std::make_unique<Regexes>()) {
  for (const auto& vh : config.virtual_hosts) {
    regexes_->by_vhost.emplace_back();
    for (const auto& n : vh.names)
      if (n.kind == NameKind::regex) regexes_->by_vhost.back().emplace_back(&n, Regex(n.value, false));
  }
}

HostSelector::~HostSelector() = default;

std::string HostSelector::normalize_host(const std::string& host) {
  std::string h = host;
  if (!h.empty() && h.front() == '[') {  // [v6]:port
    size_t close = h.find(']');
    h = close == std::string::npos ? h : h.substr(0, close + 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos) {
    h.resize(colon);
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

int HostSelector::select(int listener, const std::string& raw_host) const {
  RequestView ignored;
  return select(listener, raw_host, ignored);
}

int HostSelector::select(int listener, const std::string& raw_host, RequestView& request) const {
  if (listener < 0 || static_cast<size_t>(listener) >= config_.listeners.size()) return -1;
  std::string host = normalize_host(raw_host);
  std::vector<int> bound;
  for (size_t i = 0; i < config_.virtual_hosts.size(); ++i) {
    const auto& ls = config_.virtual_hosts[i].listeners;
    if (std::find(ls.begin(), ls.end(), listener) != ls.end()) bound.push_back(static_cast<int>(i));
  }
  auto fallback = [&] {
    const auto& d = config_.listeners[static_cast<size_t>(listener)].default_virtual_host;
    return d ? *d : (bound.empty() ? -1 : bound.front());
  };
  if (host.empty()) return fallback();

  int best = -1;
  size_t best_len = 0;
  for (int i : bound)  // exact
    for (const auto& n : config_.virtual_hosts[static_cast<size_t>(i)].names)
      if (n.kind == NameKind::exact && n.value == host) return i;
  for (int i : bound)  // "*.example.com": any subdomain, the longest wins
    for (const auto& n : config_.virtual_hosts[static_cast<size_t>(i)].names) {
      if (n.kind != NameKind::wildcard_prefix) continue;
      std::string suffix = n.value.substr(1);  // ".example.com"
      if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          suffix.size() > best_len)
        best = i, best_len = suffix.size();
    }
  if (best >= 0) return best;
  for (int i : bound)  // "www.example.*", the longest wins
    for (const auto& n : config_.virtual_hosts[static_cast<size_t>(i)].names) {
      if (n.kind != NameKind::wildcard_suffix) continue;
      std::string prefix = n.value.substr(0, n.value.size() - 1);  // "www.example."
      if (host.size() > prefix.size() && host.compare(0, prefix.size(), prefix) == 0 && prefix.size() > best_len)
        best = i, best_len = prefix.size();
    }
  if (best >= 0) return best;
  for (int i : bound)  // regexes, in configuration order
    for (const auto& [name, re] : regexes_->by_vhost[static_cast<size_t>(i)])
      if (re.match(host, request.captures, request.named_captures)) return i;
  return fallback();
}

}  // namespace pg::ir
