// Diagnostics in gcc style: FILE:LINE:COL: error|warning: MESSAGE.
// Front ends report every problem recovery allows into one Diagnostics sink.
#pragma once

#include <string>
#include <vector>

#include "diag/source_loc.h"

namespace pg {

enum class Severity { error, warning };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceLoc loc;
  std::string message;
};

std::string format_diagnostic(const Diagnostic& d);

class Diagnostics {
 public:
  void error(const SourceLoc& loc, std::string message);
  void warning(const SourceLoc& loc, std::string message);

  bool has_errors() const { return errors_ > 0; }
  int error_count() const { return errors_; }
  const std::vector<Diagnostic>& all() const { return items_; }
  // One formatted diagnostic per line, in report order.
  std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
  int errors_ = 0;
};

}  // namespace pg
