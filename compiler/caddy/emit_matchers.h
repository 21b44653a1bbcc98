// IR matcher trees as Caddy matchers: a path token (`/api/*`) or a named matcher
// (`@name { path ... header ... not ... }`). Caddy ORs only the values of one line, so
// an `any` of different kinds becomes several alternatives (one handle each).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "caddy/emit_context.h"

namespace pg::caddy {

// `m` as an OR of matchers that each fit one Caddy matcher set.
std::vector<ir::Matcher> alternatives(const ir::Matcher& m);

// Whether `m` matches every request (no matcher needed).
bool matches_all(const ir::Matcher& m);

struct WrittenMatcher {
  std::string token;          // "" (every request), "/path*", or "@name"
  std::string regex_name;     // the name captures are read under ({re.NAME.N}); "" if none
  size_t first_path_len = 0;  // Caddy's handle sort key
};

// Writes the definition of a matcher for `m` (nothing for a path token or for every
// request) and returns the token a directive uses. `base` suggests the name. What one
// matcher set cannot say is reported at `loc` and left out.
WrittenMatcher write_matcher(EmitContext& cx, Writer& w, const ir::Matcher& m, const std::string& base,
                             const SourceLoc& loc, bool allow_path_token = true);

}  // namespace pg::caddy
