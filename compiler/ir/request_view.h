// What the IR's matchers and templates can read about one request. The one request
// model shared by route selection (compiler/ir/route_select.h) and the runtime's
// template evaluation (runtime/eval).
#pragma once

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

  // The last regex match: $0..$9 and named groups.
  std::vector<std::string> captures;
  std::map<std::string, std::string> named_captures;
};

}  // namespace pg::ir
