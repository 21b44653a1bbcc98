#include "nginx/builtin_responses.h"

#include <fmt/format.h>

namespace pg::nginx {

ir::GeneratedResponses builtin_responses() {
  ir::GeneratedResponses r;  // absolute redirects with a page: nginx's defaults
  auto page = [](int status, const char* reason) {
    return ir::PageText{status, fmt::format("<html>\r\n<head><title>{0} {1}</title></head>\r\n<body>\r\n"
                                            "<center><h1>{0} {1}</h1></center>\r\n<hr><center>proxyglot</center>\r\n"
                                            "</body>\r\n</html>\r\n",
                                            status, reason)};
  };
  r.pages = {page(408, "Request Time-out"), page(413, "Request Entity Too Large"),
             page(414, "Request-URI Too Large"), page(503, "Service Temporarily Unavailable"),
             page(504, "Gateway Time-out")};
  return r;
}

}  // namespace pg::nginx
