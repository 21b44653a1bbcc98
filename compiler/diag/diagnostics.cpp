#include "diag/diagnostics.h"

#include <fmt/format.h>

namespace pg {

std::string format_diagnostic(const Diagnostic& d) {
  const char* sev = d.severity == Severity::error ? "error" : "warning";
  return fmt::format("{}:{}:{}: {}: {}", d.loc.file.view(), d.loc.line, d.loc.column, sev, d.message);
}

void Diagnostics::error(const SourceLoc& loc, std::string message) {
  items_.push_back({Severity::error, loc, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(const SourceLoc& loc, std::string message) {
  items_.push_back({Severity::warning, loc, std::move(message)});
}

std::string Diagnostics::to_string() const {
  std::string out;
  for (const auto& d : items_) {
    out += format_diagnostic(d);
    out += '\n';
  }
  return out;
}

}  // namespace pg
