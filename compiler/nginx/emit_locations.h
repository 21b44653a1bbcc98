// Which nginx location each IR route becomes, so that nginx's precedence (=, longest
// prefix with ^~, regexes in order, longest prefix) picks the route the IR's
// first-match order picks. Internal to the nginx emitter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::nginx::emitter {

enum class LocForm { exact, prefix, noregex, regex, regex_i };

struct PlannedLocation {
  const ir::Route* route = nullptr;  // what it does
  size_t order = 0;                  // the route's index in the IR (its first-match rank)
  LocForm form = LocForm::prefix;
  std::string path;                  // path or regex
  std::string note;                  // a comment for the reader ("" none)
  std::vector<std::string> excluded;  // regex: prefixes whose ^~ keeps it from applying
  std::vector<std::string> disjoint;  // regex: prefixes under which it never matches
};

// `tls`: whether the server block serves TLS listeners (scheme predicates are then
// constants); nullopt when it serves both. Routes nginx cannot select by location are
// reported to `losses` and left out.
std::vector<PlannedLocation> plan_locations(const ir::VirtualHost& vh, std::optional<bool> tls, Diagnostics& losses);

// The matcher with scheme predicates resolved for `tls` and constants folded: nullopt
// when it is a constant (then `constant` holds it).
std::optional<ir::Matcher> simplify(const ir::Matcher& m, std::optional<bool> tls, bool& constant);

// Whether the matcher depends on the scheme.
bool uses_scheme(const ir::Matcher& m);

// "location = /x", "location ^~ /x/", "location ~* \.png$".
std::string location_head(const PlannedLocation& l);

// A literal path as a PCRE2 regex.
std::string regex_escape(const std::string& s);

}  // namespace pg::nginx::emitter
