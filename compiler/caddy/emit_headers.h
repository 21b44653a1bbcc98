// IR header operations in Caddy's header syntax (`[+|-]Field [value | search replace]`),
// shared by header, request_header, header_up and header_down.
#pragma once

#include <optional>
#include <string>

#include "caddy/emit_context.h"

namespace pg::caddy {

// The words after the directive name; what Caddy cannot say is reported.
std::string header_words(EmitContext& cx, const ir::HeaderOp& op, std::string_view regex_name);

}  // namespace pg::caddy
