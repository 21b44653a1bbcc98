// HAProxy log-format strings (set-header values, set-path, return bodies, redirect
// locations): literals, %[fetch,converter(args)...] and the %xx variables, lowered to
// IR templates. Fetches and converters proxyglot has no IR value for are errors.
#pragma once

#include <optional>

#include "haproxy/lowerer.h"

namespace pg::haproxy {

// The sample fetches with an IR value: `named` ones take the value's name as their
// argument (req.fhdr(name)). The first entry for a variable is the one the emitter writes.
struct SampleFetch {
  std::string_view name;
  ir::Var var;
  bool named;
};
const std::vector<SampleFetch>& sample_fetches();
const SampleFetch* fetch_for(ir::Var var);  // nullptr: no fetch gives it

// The %x log-format variables with an IR value ("HQ" is query_mark then query).
struct LogVariable {
  std::string_view name;
  std::vector<ir::Var> vars;
};
const std::vector<LogVariable>& log_variables();

// Whether proxyglot reads converter `name` with `nargs` arguments.
bool converter_known(const std::string& name, size_t nargs);

std::optional<ir::Template> lower_log_format(Lowerer& lw, const Word& w);

// A sample fetch expression (no %[ ]) as one template part, for `balance hash`.
std::optional<ir::TemplatePart> lower_fetch_expr(Lowerer& lw, const std::string& expr, const SourceLoc& loc);

}  // namespace pg::haproxy
