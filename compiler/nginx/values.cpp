#include "nginx/values.h"

#include <arpa/inet.h>

#include <cctype>
#include <limits>

namespace pg::nginx {

std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(v);
}

std::optional<bool> parse_flag(std::string_view s) {
  if (s == "on") return true;
  if (s == "off") return false;
  return std::nullopt;
}

// ngx_parse_time: units from most to least significant, each at most once,
// optionally separated by spaces; a bare number is seconds.
std::optional<int64_t> parse_time_ms(std::string_view s) {
  struct Unit { std::string_view suffix; int64_t ms; };
  static constexpr Unit units[] = {{"y", 365LL * 86400000}, {"M", 30LL * 86400000},
                                   {"w", 7LL * 86400000},   {"d", 86400000},
                                   {"h", 3600000},          {"m", 60000},
                                   {"s", 1000},             {"ms", 1}};
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 1000;
  int64_t total = 0;
  size_t i = 0;
  int next_unit = 0;  // units must come in decreasing significance
  bool any = false;
  while (i < s.size()) {
    if (s[i] == ' ') { ++i; continue; }
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    int64_t n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      n = n * 10 + (s[i] - '0');
      if (n > kMax) return std::nullopt;
      ++i;
    }
    any = true;
    if (i == s.size() || s[i] == ' ') {  // no suffix: seconds, and it must be last
      while (i < s.size() && s[i] == ' ') ++i;
      if (i != s.size()) return std::nullopt;
      total += n * 1000;
      break;
    }
    int found = -1;
    for (int u = next_unit; u < 8; ++u) {
      auto suf = units[u].suffix;
      if (s.substr(i, suf.size()) == suf) {
        // "m" must not swallow the "m" of "ms".
        if (suf == "m" && s.substr(i, 2) == "ms") continue;
        found = u;
        break;
      }
    }
    if (found < 0) return std::nullopt;
    i += units[found].suffix.size();
    if (n > kMax / (units[found].ms > 0 ? units[found].ms : 1)) return std::nullopt;
    total += n * units[found].ms;
    if (total > kMax) return std::nullopt;
    next_unit = found + 1;
  }
  if (!any) return std::nullopt;
  return total;
}

std::optional<int64_t> parse_size(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t scale = 1;
  char last = s.back();
  if (last == 'k' || last == 'K') scale = 1024;
  else if (last == 'm' || last == 'M') scale = 1024 * 1024;
  if (scale != 1) s.remove_suffix(1);
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v * scale;
}

std::optional<HostPort> parse_host_port(std::string_view s, bool* bad_port) {
  if (bad_port) *bad_port = false;
  HostPort hp;
  if (s.substr(0, 5) == "unix:") {
    if (s.size() == 5) return std::nullopt;
    hp.host = std::string(s);
    return hp;
  }
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hp.host = std::string(s.substr(1, close - 1));
    hp.ipv6 = true;
    in6_addr a6{};
    if (inet_pton(AF_INET6, hp.host.c_str(), &a6) != 1) return std::nullopt;
    std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) { if (bad_port) *bad_port = true; return std::nullopt; }
    }
  } else {
    size_t colon = s.rfind(':');
    bool all_digits = !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
    if (all_digits) {  // a port alone
      port = s;
      hp.host = "*";
    } else if (colon != std::string_view::npos) {
      hp.host = std::string(s.substr(0, colon));
      port = s.substr(colon + 1);
      if (hp.host.empty() || port.empty()) {
        if (bad_port && !hp.host.empty()) *bad_port = true;
        return std::nullopt;
      }
    } else {
      hp.host = std::string(s);
    }
    if (hp.host.empty()) return std::nullopt;
    for (char c : hp.host)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '*'))
        return std::nullopt;
  }
  if (!port.empty()) {
    auto p = parse_int(port);
    if (!p || *p < 1 || *p > 65535) {
      if (bad_port) *bad_port = true;
      return std::nullopt;
    }
    hp.port = *p;
  }
  return hp;
}

std::optional<std::string> parse_cidr(std::string_view s) {
  if (s == "all" || s == "unix:") return std::string(s);
  std::string addr(s);
  std::string bits;
  if (auto slash = addr.find('/'); slash != std::string::npos) {
    bits = addr.substr(slash + 1);
    addr.resize(slash);
  }
  in_addr a4{};
  in6_addr a6{};
  int max_bits = 0;
  if (inet_pton(AF_INET, addr.c_str(), &a4) == 1) max_bits = 32;
  else if (inet_pton(AF_INET6, addr.c_str(), &a6) == 1) max_bits = 128;
  else return std::nullopt;
  if (!bits.empty()) {
    auto b = parse_int(bits);
    if (!b || *b > max_bits) return std::nullopt;
  }
  return std::string(s);
}

}  // namespace pg::nginx
