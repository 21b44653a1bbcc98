// Diagnostics in gcc style: FILE:LINE:COL: error|warning: MESSAGE.
// Front ends report every problem recovery allows into one Diagnostics sink.
#pragma once

#include <cstdio>
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
  // The diagnostics, moved out; this sink is left empty.
  std::vector<Diagnostic> release() {
    std::vector<Diagnostic> out = std::move(items_);
    items_.clear();
    errors_ = 0;
    return out;
  }
  // One formatted diagnostic per line, in report order.
  std::string to_string() const;
  // The same text written to `out`.
  void print(std::FILE* out) const;

 private:
  std::vector<Diagnostic> items_;
  int errors_ = 0;
};

}  // namespace pg
