// What every emitter writes the same way: source comments and durations.
#pragma once

#include <cstdint>
#include <string>

#include "diag/source_loc.h"

namespace pg::emit {

// "from nginx.conf:12" for the comment before each emitted block (the file's last path
// component: the output must not depend on where the source was read from).
std::string source_comment(const SourceLoc& loc);

// Milliseconds in the largest unit that holds them exactly: "90s", "1500ms", "2m", "1h".
// nginx, HAProxy and Caddy (Go durations) all read these suffixes the same way.
std::string duration(int64_t ms);

}  // namespace pg::emit
