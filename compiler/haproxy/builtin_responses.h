// HAProxy's own answers: relative redirects without a body, and its built-in error
// pages (what `errorfile` replaces), for the statuses the runtime generates.
#pragma once

#include "ir/ir.h"

namespace pg::haproxy {

ir::GeneratedResponses builtin_responses();

}  // namespace pg::haproxy
