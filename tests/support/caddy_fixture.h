// Helpers for caddy front-end tests: compile a Caddyfile snippet, find its routes.
#pragma once

#include <string>
#include <string_view>

#include "ir/ir.h"
#include "support/nginx_fixture.h"  // Compiled, route_for, route_named, render

namespace pg::test {

// Compiles `text` as the Caddyfile `name`.
Compiled compile_caddy(std::string_view text, const std::string& name = "Caddyfile");

// Compiles `text`, asserting success.
ir::Config caddy(std::string_view text);

// The name of the route answering `method` `path` with `headers` in virtual host
// `vhost` ("fallback" when none).
std::string caddy_route_for(const ir::Config& c, const std::string& path, size_t vhost = 0,
                            const std::string& method = "GET",
                            std::vector<std::pair<std::string, std::string>> headers = {},
                            const std::string& query = "");

}  // namespace pg::test
