// ACLs and conditions: fetches with their match methods and flags lowered to IR
// matchers, named ACLs (same-name lines ORed), `if`/`unless` conditions with '!',
// '||'/'or', implicit AND and anonymous `{ ... }` ACLs.
#pragma once

#include <optional>

#include "haproxy/lowerer.h"

namespace pg::haproxy {

// One ACL expression, words [from, to) of `l`: fetch [flags] [patterns...]. Patterns
// are ORed. Errors are reported; nullopt then.
std::optional<ir::Matcher> lower_acl(Lowerer& lw, const Line& l, size_t from, size_t to);

// The condition starting at words[from] ("if" or "unless") to the end of the line,
// resolved against the current proxy's ACLs (and the predefined ones).
std::optional<ir::Matcher> lower_condition(Lowerer& lw, const Line& l, size_t from);

// An escaped literal for a PCRE pattern.
std::string regex_escape(std::string_view s);

}  // namespace pg::haproxy
