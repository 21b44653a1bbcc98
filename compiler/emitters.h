// The emitters proxyglot has, one per dialect: IR -> configuration text in that
// dialect. An emitter reads only the IR. What the target cannot express it writes as
// near as it can and reports as a warning at the source element's location; the
// translation driver (translate.h) then proves the rest by compiling the text again
// and comparing the two IRs.
#pragma once

#include <string>

#include "diag/diagnostics.h"
#include "dialect.h"
#include "ir/ir.h"

namespace pg {

using EmitFunction = std::string (*)(const ir::Config& config, Diagnostics& losses);

EmitFunction emitter(Dialect target);

}  // namespace pg

// Each dialect's emitter, defined in its folder (nginx/emit.cpp, ...).
namespace pg::nginx { std::string emit(const ir::Config& config, Diagnostics& losses); }
namespace pg::caddy { std::string emit(const ir::Config& config, Diagnostics& losses); }
namespace pg::haproxy { std::string emit(const ir::Config& config, Diagnostics& losses); }
