// A path regex that only spells literal path tests, read back as those tests: emitters
// write prefixes as regexes where their dialect needs it (Caddy's case-insensitive
// paths, its one path_regexp joining excluded prefixes), and the comparer must see the
// same tests on both sides.
#pragma once

#include <optional>
#include <string>

#include "ir/ir.h"

namespace pg::ir {

// "^literal" (and "^literal$") on the path: the literal text (`whole` when anchored at
// the end too), else nullopt.
std::optional<std::string> literal_regex(const std::string& regex, bool& whole);

// A path_regex predicate as plain tests, else nullopt: a leading "(?i)" is the
// predicate's case-insensitivity; "^lit" a prefix, "^lit$" the exact path; and
// "(?:^a)|(?:^b)|..." any of such tests.
std::optional<Matcher> path_regex_as_tests(const Predicate& p);

// A path_regex predicate with a leading "(?i)" read as the case-insensitive flag.
Predicate without_inline_ci(Predicate p);

}  // namespace pg::ir
