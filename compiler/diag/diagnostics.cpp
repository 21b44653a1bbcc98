#include "diag/diagnostics.h"

#include <cstring>
#include <iterator>

#include <fmt/format.h>

namespace pg {

namespace {

void append_diagnostic(fmt::memory_buffer& out, const Diagnostic& d) {
  const char* sev = d.severity == Severity::error ? "error" : "warning";
  fmt::format_to(std::back_inserter(out), "{}:{}:{}: {}: {}", d.loc.file.view(), d.loc.line, d.loc.column, sev,
                 d.message);
}

}  // namespace

std::string format_diagnostic(const Diagnostic& d) {
  fmt::memory_buffer out;
  append_diagnostic(out, d);
  return fmt::to_string(out);
}

void Diagnostics::error(const SourceLoc& loc, std::string message) {
  items_.push_back({Severity::error, loc, std::move(message)});
  ++errors_;
}

void Diagnostics::warning(const SourceLoc& loc, std::string message) {
  items_.push_back({Severity::warning, loc, std::move(message)});
}

std::string Diagnostics::to_string() const {
  // Formatted straight into one buffer: a large translation has 100,000s of lines.
  fmt::memory_buffer out;
  for (const auto& d : items_) {
    append_diagnostic(out, d);
    out.push_back('\n');
  }
  return fmt::to_string(out);
}

// As fputs(to_string().c_str(), out) does, without the one string: a large
// translation's warnings are 100 MB. Written in blocks (stderr is unbuffered); as
// with fputs, nothing after a NUL in a message.
void Diagnostics::print(std::FILE* out) const {
  constexpr size_t block = 1 << 20;
  fmt::memory_buffer text;
  auto flush = [&]() -> bool {  // false at a NUL: the rest is not written
    const void* nul = std::memchr(text.data(), '\0', text.size());
    size_t n = nul ? static_cast<size_t>(static_cast<const char*>(nul) - text.data()) : text.size();
    std::fwrite(text.data(), 1, n, out);
    text.clear();
    return !nul;
  };
  for (const auto& d : items_) {
    append_diagnostic(text, d);
    text.push_back('\n');
    if (text.size() >= block && !flush()) return;
  }
  flush();
}

}  // namespace pg
