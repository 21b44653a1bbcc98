#include "haproxy/builtin_responses.h"

namespace pg::haproxy {

ir::GeneratedResponses builtin_responses() {
  ir::GeneratedResponses r;
  r.absolute_redirects = false;  // `redirect location /x` sends Location: /x
  r.redirect_body = false;
  r.page_fields = {{"Cache-Control", "no-cache"}};
  // HAProxy 2.6's default error messages (src/http_htx.c), body only.
  auto page = [](const char* title, const char* text) {
    return std::string("<html><body><h1>") + title + "</h1>\n" + text + "\n</body></html>\n";
  };
  r.pages = {
      {400, page("400 Bad request", "Your browser sent an invalid request.")},
      {403, page("403 Forbidden", "Request forbidden by administrative rules.")},
      {404, page("404 Not Found", "The resource could not be found.")},
      {408, page("408 Request Time-out", "Your browser didn't send a complete request in time.")},
      {413, page("413 Payload Too Large", "The request entity exceeds the maximum allowed.")},
      {500, page("500 Internal Server Error", "An internal server error occurred.")},
      {502, page("502 Bad Gateway", "The server returned an invalid or incomplete response.")},
      {503, page("503 Service Unavailable", "No server is available to handle this request.")},
      {504, page("504 Gateway Time-out", "The server didn't respond in time.")},
  };
  return r;
}

}  // namespace pg::haproxy
