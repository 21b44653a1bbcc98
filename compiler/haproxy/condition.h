// The conditions of .if/.elif lines (HAProxy 2.6 cfg_eval_condition): integers,
// defined(VAR), feature(NAME), streq(A,B), strneq(A,B), version_atleast(V),
// version_before(V), combined with '!', '&&', '||' and parentheses.
#pragma once

#include "diag/diagnostics.h"
#include "haproxy/parse.h"

namespace pg::haproxy {

// The HAProxy version conditions compare against: the one proxyglot follows.
inline constexpr const char* kHaproxyVersion = "2.6.12";

// Evaluates the words after `.if`/`.elif`; a malformed condition is reported and false.
bool evaluate_condition(const Line& line, const Environment& env, Diagnostics& diags);

}  // namespace pg::haproxy
