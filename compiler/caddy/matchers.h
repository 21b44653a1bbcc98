// Caddy's request matchers onto ir::Matcher trees: the matcher token of a directive
// (`*`, `/path`, `@name`) and named matcher definitions (`@name path /a`, `@name { }`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "caddy/lowerer.h"

namespace pg::caddy {

// Whether a directive's first argument is a matcher token, as Caddy decides it.
bool is_matcher_token(const Word& w);

// Lowers `@name ...` (a line or a block) into the innermost matcher scope.
void define_named_matcher(Lowerer& l, const Node& n);

// The Call for directive line `n`: its matcher token (if any) resolved.
Call make_call(Lowerer& l, const Node& n, bool may_have_matcher);

// A Caddy path pattern: exact unless it has '*', compared ignoring case.
ir::Matcher path_pattern(const std::string& pattern);

// AND of two optional matchers (nullopt matches everything).
std::optional<ir::Matcher> both(const std::optional<ir::Matcher>& a, const std::optional<ir::Matcher>& b);

// handle_errors: a condition on the status of the error being handled, true for
// `codes`. Only inside error routes; compile_error_routes turns it into error-page codes,
// so it never reaches the IR.
ir::Matcher error_status_matcher(const std::vector<int>& codes);
// The codes of an error_status_matcher predicate; nullopt for any other predicate.
std::optional<std::vector<int>> error_status_codes(const ir::Predicate& p);

// Text of the path conditions of `m` as one regex for a rewrite step, or nullopt
// when `m` tests more than the path.
std::optional<std::string> path_regex_of(const std::optional<ir::Matcher>& m);

}  // namespace pg::caddy
