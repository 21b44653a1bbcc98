// The IR's canonical JSON: stable key order (declaration order), two-space indent,
// enums by name. It round-trips: from_json(to_canonical_json(c)) == c.
#pragma once

#include <string>
#include <string_view>

#include "ir/ir.h"

namespace pg::ir {

std::string to_canonical_json(const Config& config);

// Throws std::runtime_error naming the offending key or value.
Config config_from_json(std::string_view json);

}  // namespace pg::ir
