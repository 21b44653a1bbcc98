// The HAProxy front end: configuration file -> IR.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::haproxy {

// Parses and lowers `text`, read from `name`. The IR unless errors were reported.
std::optional<ir::Config> compile_text(std::string_view text, const std::string& name, Diagnostics& diags);

}  // namespace pg::haproxy
