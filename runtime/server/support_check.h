// What in a configuration the runtime cannot serve yet: refused at start with an
// error naming it (or served without it, with a warning), never served differently
// in silence.
#pragma once

#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::runtime {

void check_support(const ir::Config& config, Diagnostics& diags);

}  // namespace pg::runtime
