// Caddy's header operation syntax, shared by header, request_header, header_up and
// header_down: `[+|-|>]field [value | find replacement]`.
#pragma once

#include <optional>
#include <vector>

#include "caddy/lowerer.h"

namespace pg::caddy {

// `words` is the field then its values. nullopt after reporting an error.
std::optional<ir::HeaderOp> header_op(Lowerer& l, const std::vector<Word>& words, const SourceLoc& at);

}  // namespace pg::caddy
