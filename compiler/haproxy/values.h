// HAProxy's argument values: times, addresses, integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pg::haproxy {

// A time: an integer with an optional unit us|ms|s|m|h|d, milliseconds by default
// (parse_time_err in src/tools.c). On error, the message HAProxy gives.
struct TimeResult {
  int64_t ms = 0;
  std::string error;
};
TimeResult parse_time(const std::string& text);

// An address with an optional port: "ip:port", "[v6]:port", "v6:port" (the last colon
// separates the port), "*:port", ":port", "ipv4@"/"tcp4@"/"tcp@", "ipv6@"/"tcp6@",
// "unix@/path" or "/path".
struct Address {
  std::string host;  // "0.0.0.0"/"::" for a wildcard, "unix:/path" for a socket
  int port = 0;      // 0: none given
  bool has_port = false;
  bool unix_socket = false;
  std::string error;  // HAProxy's complaint, when malformed
};
// `wildcard` is the address '*' or an empty host stand for.
Address parse_address(const std::string& text, const std::string& wildcard = "0.0.0.0");

// A non-negative decimal integer, else nullopt.
std::optional<long> parse_int(const std::string& text);

}  // namespace pg::haproxy
