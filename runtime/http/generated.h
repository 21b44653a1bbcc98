// Responses the proxy makes itself: error pages, redirects, `return` bodies.
#pragma once

#include <string>
#include <string_view>

namespace pg::runtime {

// "Bad Gateway" for 502; "" for a status without a standard reason.
std::string reason_phrase(int status);

// The small HTML page nginx sends for an error or a redirect status, signed
// "proxyglot" (nginx signs "nginx").
std::string status_page(int status);

// The current time as an HTTP Date field value (IMF-fixdate).
std::string_view http_date();  // valid until the next call on this thread

}  // namespace pg::runtime
