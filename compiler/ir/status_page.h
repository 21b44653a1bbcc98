// The page the runtime sends for a status no product page covers
// (GeneratedResponses::pages, unless listed_pages_only): nginx's small HTML page, signed
// "proxyglot". The runtime's status_page (runtime/http/generated.cpp) is this one; the
// emitters write it where a product must be told the page, the comparer knows it.
#pragma once

#include <string>

#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

namespace pg::ir {

inline std::string runtime_status_page(int status) {
  auto r = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  std::string title = fmt::format("{} {}", status, std::string_view(r.data(), r.size()));
  return fmt::format(
      "<html>\r\n<head><title>{0}</title></head>\r\n<body>\r\n<center><h1>{0}</h1></center>\r\n"
      "<hr><center>proxyglot</center>\r\n</body>\r\n</html>\r\n",
      title);
}

}  // namespace pg::ir
