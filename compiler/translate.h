// The translation driver: a configuration in any dialect to the same behaviour in
// another. Compiles the source, emits the target, compiles the emitted text with the
// target's own front end and compares the two IRs (ir/equivalence.h): every
// difference is reported as a loss at the source line, so nothing the target cannot
// keep goes unsaid, whether or not its emitter knew.
#pragma once

#include <optional>
#include <string>

#include "diag/diagnostics.h"
#include "dialect.h"

namespace pg {

struct TranslateOptions {
  std::optional<Dialect> from;  // else detected, as `check` does
  Dialect to = Dialect::nginx;
  bool strict = false;          // losses are errors
};

struct TranslateResult {
  std::optional<std::string> text;  // set when there were no errors
  Diagnostics diags;                // the source's own, then the translation's losses
  int losses = 0;                   // diagnostics about what the target does differently
};

TranslateResult translate_config(const std::string& path, const TranslateOptions& options);

}  // namespace pg
