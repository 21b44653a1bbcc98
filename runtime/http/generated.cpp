#include "http/generated.h"

#include "ir/status_page.h"

#include <ctime>

#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

namespace pg::runtime {

std::string reason_phrase(int status) {
  auto r = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return std::string(r.data(), r.size());
}

std::string status_page(int status) { return ir::runtime_status_page(status); }

std::string_view http_date() {
  // Formatted once a second per thread: every response carries it.
  thread_local std::time_t formatted_at = 0;
  thread_local char buf[64];
  std::time_t now = std::time(nullptr);
  if (now != formatted_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    formatted_at = now;
  }
  return buf;
}

}  // namespace pg::runtime
