#include "haproxy/values.h"

#include <cctype>
#include <climits>

#include <fmt/format.h>

namespace pg::haproxy {

TimeResult parse_time(const std::string& text) {
  TimeResult r;
  size_t i = 0;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) {
    r.error = text.empty() ? "missing time value" : fmt::format("unexpected character '{}'", text[0]);
    return r;
  }
  int64_t n = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    n = n * 10 + (text[i] - '0');
    if (n > INT_MAX) {
      r.error = "timer overflow: maximum value is 2147483647 ms (~24.8 days)";
      return r;
    }
  }
  std::string unit = text.substr(i);
  int64_t ms = 0;
  if (unit.empty() || unit == "ms") ms = n;
  else if (unit == "us") ms = (n + 999) / 1000;
  else if (unit == "s") ms = n * 1000;
  else if (unit == "m") ms = n * 60000;
  else if (unit == "h") ms = n * 3600000;
  else if (unit == "d") ms = n * 86400000;
  else {
    r.error = fmt::format("unexpected character '{}'", unit[0]);
    return r;
  }
  if (ms > INT_MAX) {
    r.error = "timer overflow: maximum value is 2147483647 ms (~24.8 days)";
    return r;
  }
  r.ms = ms;
  return r;
}

std::optional<long> parse_int(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  long v = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

Address parse_address(const std::string& text, const std::string& wildcard) {
  Address a;
  std::string s = text;
  std::string family;
  if (auto at = s.find('@'); at != std::string::npos) {
    family = s.substr(0, at);
    s = s.substr(at + 1);
    // tcp@, tcp4@, tcp6@ name the same stream sockets as ipv4@/ipv6@.
    if (family == "tcp4" || family == "tcp") family = "ipv4";
    if (family == "tcp6") family = "ipv6";
    if (family != "ipv4" && family != "ipv6" && family != "unix") {
      a.error = fmt::format("unknown address family '{}'", family);
      return a;
    }
  }
  if (family == "unix" || (!s.empty() && s[0] == '/')) {
    a.unix_socket = true;
    a.host = "unix:" + s;
    return a;
  }
  std::string host = s, port;
  if (!s.empty() && s[0] == '[') {
    auto close = s.find(']');
    if (close == std::string::npos) {
      a.error = fmt::format("invalid address: '{}'", text);
      return a;
    }
    host = s.substr(1, close - 1);
    if (close + 1 < s.size()) {
      if (s[close + 1] != ':') {
        a.error = fmt::format("invalid address: '{}'", text);
        return a;
      }
      port = s.substr(close + 2);
      a.has_port = true;
    }
  } else if (auto colon = s.rfind(':'); colon != std::string::npos) {
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    a.has_port = true;
  }
  if (host.empty() || host == "*") host = family == "ipv6" ? "::" : wildcard;
  a.host = host;
  if (a.has_port) {
    auto p = parse_int(port);
    if (!p || *p < 1 || *p > 65535) {
      a.error = port.find('-') != std::string::npos && p == std::nullopt && !port.empty() && port[0] != '-'
                    ? fmt::format("port ranges are not supported by proxyglot yet: '{}'", text)
                    : fmt::format("invalid port '{}'", port);
      return a;
    }
    a.port = static_cast<int>(*p);
  }
  return a;
}

}  // namespace pg::haproxy
