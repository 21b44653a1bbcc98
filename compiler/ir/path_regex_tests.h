// A path regex that only spells literal path tests, read back as those tests: emitters
// write prefixes as regexes where their dialect needs it (Caddy's case-insensitive
// paths, its one path_regexp joining excluded prefixes), and the comparer must see the
// same tests on both sides.
#pragma once

#include <optional>
#include <string>

#include "ir/ir.h"

namespace pg::ir {

// A regex that is "^" and literal text, maybe ending "$": the text (escapes of
// punctuation undone) and whether the end is anchored too; else nullopt. The one
// reading of literal regexes for the comparer and the emitters.
struct AnchoredLiteral {
  std::string text;
  bool whole = false;  // "^text$"
};
std::optional<AnchoredLiteral> anchored_literal(const std::string& regex);

// The literal text every match of an anchored regex starts with ("^/api/v\d" gives
// "/api/v"); nullopt when unanchored or when the regex has an alternative.
std::optional<std::string> literal_prefix(const std::string& regex);

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
