// The front-end driver: any supported dialect to the IR.
#pragma once

#include <optional>
#include <string>

#include "diag/diagnostics.h"
#include "dialect.h"
#include "ir/ir.h"

namespace pg {

struct CompileResult {
  std::optional<ir::Config> config;  // set when there were no errors
  Diagnostics diags;
  std::optional<Dialect> dialect;
};

// `dialect` overrides detection. Never throws on bad input: problems are diagnostics.
CompileResult compile_config(const std::string& path, std::optional<Dialect> dialect);

}  // namespace pg
