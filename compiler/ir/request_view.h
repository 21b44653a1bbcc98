// What the IR's matchers and templates can read about one request. The one request
// model shared by route selection (compiler/ir/route_select.h) and the runtime's
// template evaluation (runtime/eval).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pg::ir {

struct RequestView {
  std::string method = "GET";
  std::string path = "/";   // normalised, without the query; rewrites change it
  std::string query;        // without '?'
  std::string request_uri = "/";  // as the client sent it, with the query
  std::string host;         // lower-case, without port ("" when the request had none)
  std::string scheme = "http";
  std::string protocol = "HTTP/1.1";
  std::string client_address = "127.0.0.1";
  std::string client_port = "0";
  std::string server_address = "127.0.0.1";
  std::string server_port = "80";
  std::string server_name;  // the selected virtual host's first name
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, in order
  std::string upstream_host;  // the proxy target as written, once a route proxies
  std::string upstream_addr;  // host:port of the server picked for this attempt

  // What the access log reads once the response is sent (Var::status and later).
  struct Outcome {
    int status = 0;
    uint64_t body_bytes_sent = 0;
    uint64_t bytes_sent = 0;      // status line, headers and body
    uint64_t request_length = 0;  // request line, headers and body as received
    std::string request_line;     // the client's, unchanged by rewrites
    int64_t started_unix_us = 0;  // when the request's first byte arrived (wall clock)
    int64_t header_us = 0;        // from then to the end of the header block
    int64_t duration_us = 0;      // from then to the last byte sent
    std::string upstream_status;  // "-" until an upstream answers
    int64_t upstream_connect_us = -1, upstream_header_us = -1, upstream_response_us = -1;  // -1: none
    std::string upstream_pool, upstream_name;
    int upstream_retries = 0;
    uint64_t connection_id = 0;
    int connections_active = 0;
  } outcome;

  // The last regex match: $0..$9 and named groups.
  std::vector<std::string> captures;
  std::map<std::string, std::string> named_captures;
};

}  // namespace pg::ir
