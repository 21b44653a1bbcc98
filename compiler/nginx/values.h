// nginx's value syntaxes: time intervals, sizes, numbers, flags, addresses.
// Each returns nullopt on a value nginx would reject; callers word the diagnostic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pg::nginx {

// "1h 30m", "90m", "5400s", "500ms", "60" (seconds). Milliseconds.
std::optional<int64_t> parse_time_ms(std::string_view s);
// "1024", "8k", "1m" (k/K, m/M). Bytes.
std::optional<int64_t> parse_size(std::string_view s);
// A non-negative decimal integer that fits in an int.
std::optional<int> parse_int(std::string_view s);
// "on" / "off".
std::optional<bool> parse_flag(std::string_view s);

struct HostPort {
  std::string host;  // IP (IPv6 without brackets), name, "*", or "unix:/path"
  int port = 0;      // 0: not given (or unix socket)
  bool ipv6 = false;
};
// "host", "host:port", "port", "[v6]:port", "unix:/path". nullopt when malformed;
// `bad_port` is set when only the port is at fault (nginx words that differently).
std::optional<HostPort> parse_host_port(std::string_view s, bool* bad_port = nullptr);

// "10.0.0.0/8", "::1", "all", "unix:". Normalised text, nullopt when invalid.
std::optional<std::string> parse_cidr(std::string_view s);

}  // namespace pg::nginx
