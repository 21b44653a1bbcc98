// The caddy front end: Caddyfile -> IR.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::caddy {

// Parses and lowers `text`, read from `name` (imports resolve against its directory).
// The IR, or nullopt after reporting errors.
std::optional<ir::Config> compile_text(std::string_view text, const std::string& name, Diagnostics& diags);

}  // namespace pg::caddy
