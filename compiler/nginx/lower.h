// The nginx front end: configuration file -> IR.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "ir/ir.h"
#include "nginx/syntax.h"

namespace pg::nginx {

// Lowers parsed directives (consumed: they are freed before the IR is built, which
// keeps peak memory down on large configurations). Returns the IR unless errors were
// reported.
std::optional<ir::Config> lower(std::vector<Directive> directives, const std::string& file,
                                Diagnostics& diags);

// Parses and lowers `text`, read from `name` (includes resolve against its directory).
std::optional<ir::Config> compile_text(std::string_view text, const std::string& name,
                                       Diagnostics& diags);

}  // namespace pg::nginx
