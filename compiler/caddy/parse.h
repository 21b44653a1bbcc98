// Reading one Caddyfile into the generic Node tree (no imports expanded yet).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "caddy/syntax.h"
#include "diag/diagnostics.h"

namespace pg::caddy {

// Caddy substitutes {$VAR} and {$VAR:default} in the raw text before lexing; an unset
// variable without a default becomes empty. `lookup` is getenv in production.
std::string substitute_env(std::string_view text, const char* (*lookup)(const char*));

// Lexes and parses `text` (already substituted) read from `name`. Syntax errors go to
// `diags`; whatever could be recovered is returned.
std::vector<Node> parse_nodes(std::string_view text, const std::string& name, Diagnostics& diags);

}  // namespace pg::caddy
