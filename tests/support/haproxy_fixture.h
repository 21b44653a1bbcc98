// Helpers for HAProxy front-end tests: compile a snippet, ask which route a request gets.
#pragma once

#include <string>
#include <string_view>

#include "ir/route_select.h"
#include "support/nginx_fixture.h"

namespace pg::test {

// Compiles `text` as the HAProxy file `name`.
Compiled compile_haproxy(std::string_view text, const std::string& name = "test.cfg");

// Compiles `defaults\n mode http\n` + `body`, asserting success.
ir::Config haproxy(std::string_view body);

// The name of the route of virtual host `vhost` that answers `request` ("fallback" when none).
std::string route_for_request(const ir::Config& c, const ir::RequestView& request, size_t vhost = 0);

// The errors (and warnings) of compiling `text`, one per line.
std::string haproxy_errors(std::string_view text);

}  // namespace pg::test
