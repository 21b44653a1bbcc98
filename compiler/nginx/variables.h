// nginx variables in directive values ("complex values") lowered to IR templates.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "diag/diagnostics.h"
#include "ir/ir.h"
#include "nginx/syntax.h"

namespace pg::nginx {

// Names that exist beyond the built-in variables: `map` results and named regex
// captures, collected from the whole configuration first (nginx resolves variables
// after reading all of it, so a map may be declared after its use).
struct VariableNames {
  std::set<std::string> maps;
  std::set<std::string> captures;
};

// Lowers `text`; an unknown or unsupported variable is reported at `at` (as nginx
// does: unknown "name" variable) and nullopt returned.
std::optional<ir::Template> lower_template(const std::string& text, const SourceLoc& at,
                                           const VariableNames& names, Diagnostics& diags);

// The nginx built-in variable (without '$') that means `var`, from the same table the
// front end reads variables with; nullopt when nginx has none (literal, request_header,
// cookie, query_arg, regex_capture and map are written by name, not by this table).
std::optional<std::string> builtin_variable_name(ir::Var var);

inline bool has_variables(const std::string& text) { return text.find('$') != std::string::npos; }

// Collects named captures ((?<n>...), (?P<n>...), (?'n'...)) from a regex.
void collect_captures(const std::string& regex, std::set<std::string>& out);

}  // namespace pg::nginx
