// Helpers for nginx front-end tests: compile a snippet, ask which route a path gets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::test {

struct Compiled {
  std::optional<ir::Config> config;
  Diagnostics diags;
  std::string errors() const { return diags.to_string(); }
};

// Compiles `text` as the nginx file `name`.
Compiled compile_nginx(std::string_view text, const std::string& name = "test.conf");

// Compiles `http { <body> }` with an events block, asserting success.
ir::Config http(std::string_view body);

// The name of the route that answers `path` in virtual host `vhost` ("fallback" when
// none does), as the IR's first-match order selects it.
std::string route_for(const ir::Config& c, const std::string& path, size_t vhost = 0);

// The first route whose name is `name`.
const ir::Route& route_named(const ir::Config& c, const std::string& name, size_t vhost = 0);

// A template as text: literals as is, variables as ${var:value}.
std::string render(const ir::Template& t);

}  // namespace pg::test
