// Cookies that keep a client on a server, as the products write and read them: HAProxy's
// inserted persistence cookie (ir::CookiePersistence) and the cookies Caddy's cookie
// balancing reads (ir/sticky_cookie.h signs them).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/field_list.h"
#include "ir/ir.h"
#include "ir/request_view.h"

namespace pg::runtime::persistence {

// The first cookie named exactly `name` in the request's Cookie fields; Go (Caddy)
// takes surrounding double quotes off, HAProxy does not.
std::optional<std::string> request_cookie(const ir::RequestView& request, std::string_view name, bool unquote);

// The Cookie field's value without the cookies named `name` (HAProxy's `indirect`);
// "" when none is left.
std::string without_cookie(std::string_view field, std::string_view name);

// Whether a Set-Cookie value sets the cookie `name`.
bool sets_cookie(std::string_view set_cookie_value, std::string_view name);

// What HAProxy 2.6 inserts for a server whose cookie value is `value`:
// "NAME=VALUE; path=/" and the options; for a server without one, an expired empty
// cookie ("NAME=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/").
std::string set_cookie(const ir::CookiePersistence& cookie, const std::string& value);

// Whether HAProxy 2.6 deems a response cacheable (its `nocache` then adds
// "Cache-control: private" where it inserts the cookie): a GET or HEAD, a status
// cacheable by default, freshness or a validator (Cache-Control max-age or s-maxage,
// Expires, Last-Modified, ETag), and no Cache-Control private, no-cache, no-store,
// s-maxage=0 nor a lone max-age=0, no Pragma no-cache.
bool cacheable(std::string_view method, int status, std::span<const FieldList::Field> response);

}  // namespace pg::runtime::persistence
