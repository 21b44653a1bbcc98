#include "ir/host_select.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace pg::ir {

struct HostSelector::Tables {
  std::vector<std::vector<std::pair<const ServerName*, Regex>>> by_vhost;
  struct Listener {
    std::vector<int> bound;                       // the hosts on it, in configuration order
    std::unordered_map<std::string, int> exact;  // exact name -> the first host with it
  };
  std::vector<Listener> listeners;
};

HostSelector::HostSelector(const Config& config) : config_(config), tables_(std::make_unique<Tables>()) {
  for (const auto& vh : config.virtual_hosts) {
    tables_->by_vhost.emplace_back();
    for (const auto& n : vh.names)
      if (n.kind == NameKind::regex) tables_->by_vhost.back().emplace_back(&n, Regex(n.value, false));
  }
  tables_->listeners.resize(config.listeners.size());
  for (size_t i = 0; i < config.virtual_hosts.size(); ++i)
    for (int l : config.virtual_hosts[i].listeners) {
      if (l < 0 || static_cast<size_t>(l) >= config.listeners.size()) continue;
      auto& t = tables_->listeners[static_cast<size_t>(l)];
      if (!t.bound.empty() && t.bound.back() == static_cast<int>(i)) continue;  // listed twice
      t.bound.push_back(static_cast<int>(i));
      for (const auto& n : config.virtual_hosts[i].names)
        if (n.kind == NameKind::exact) t.exact.emplace(n.value, static_cast<int>(i));  // the first stays
    }
}

HostSelector::~HostSelector() = default;

std::string HostSelector::normalize_host(std::string_view host) {
  std::string h(host);
  if (!h.empty() && h.front() == '[') {  // [v6]:port
    size_t close = h.find(']');
    h = close == std::string::npos ? h : h.substr(0, close + 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos) {
    h.resize(colon);
  }
  while (!h.empty() && h.back() == '.') h.pop_back();
  // ASCII, as std::tolower in the C locale the program runs in, without a library
  // call per character (this runs for every request).
  for (char& c : h)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  return h;
}

int HostSelector::select(int listener, const std::string& raw_host) const {
  RequestView ignored;
  return select(listener, raw_host, ignored);
}

int HostSelector::select(int listener, const std::string& raw_host, RequestView& request) const {
  return select_normalized(listener, normalize_host(raw_host), request);
}

int HostSelector::select_normalized(int listener, const std::string& host, RequestView& request) const {
  if (listener < 0 || static_cast<size_t>(listener) >= config_.listeners.size()) return -1;
  const auto& table = tables_->listeners[static_cast<size_t>(listener)];
  const std::vector<int>& bound = table.bound;
  auto fallback = [&] {
    const auto& d = config_.listeners[static_cast<size_t>(listener)].default_virtual_host;
    return d ? *d : (bound.empty() ? -1 : bound.front());
  };
  if (host.empty()) return fallback();

  int best = -1;
  size_t best_len = 0;
  if (auto exact = table.exact.find(host); exact != table.exact.end()) return exact->second;
  for (int i : bound)  // "*.example.com": any subdomain, the longest wins
    for (const auto& n : config_.virtual_hosts[static_cast<size_t>(i)].names) {
      if (n.kind != NameKind::wildcard_prefix) continue;
      std::string_view suffix = std::string_view(n.value).substr(1);  // ".example.com"
      if (host.size() > suffix.size() && host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          suffix.size() > best_len)
        best = i, best_len = suffix.size();
    }
  if (best >= 0) return best;
  for (int i : bound)  // "www.example.*", the longest wins
    for (const auto& n : config_.virtual_hosts[static_cast<size_t>(i)].names) {
      if (n.kind != NameKind::wildcard_suffix) continue;
      std::string_view prefix = std::string_view(n.value).substr(0, n.value.size() - 1);  // "www.example."
      if (host.size() > prefix.size() && host.compare(0, prefix.size(), prefix) == 0 && prefix.size() > best_len)
        best = i, best_len = prefix.size();
    }
  if (best >= 0) return best;
  for (int i : bound)  // regexes, in configuration order
    for (const auto& [name, re] : tables_->by_vhost[static_cast<size_t>(i)])
      if (re.match(host, request.captures, request.named_captures)) return i;
  return fallback();
}

}  // namespace pg::ir
