// HAProxy log-format strings (set-header values, set-path, return bodies, redirect
// locations): literals, %[fetch,converter(args)...] and the %xx variables, lowered to
// IR templates. Fetches and converters proxyglot has no IR value for are errors.
#pragma once

#include <optional>

#include "haproxy/lowerer.h"

namespace pg::haproxy {

std::optional<ir::Template> lower_log_format(Lowerer& lw, const Word& w);

// A sample fetch expression (no %[ ]) as one template part, for `balance hash`.
std::optional<ir::TemplatePart> lower_fetch_expr(Lowerer& lw, const std::string& expr, const SourceLoc& loc);

}  // namespace pg::haproxy
