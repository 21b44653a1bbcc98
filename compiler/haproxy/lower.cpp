#include "haproxy/lower.h"

#include <fmt/format.h>

#include "haproxy/lowerer.h"
#include "haproxy/parse.h"

namespace pg::haproxy {

namespace {

// Larger than any real configuration; bounds time and memory on hostile input.
constexpr size_t kMaxInputBytes = 64u << 20;

}  // namespace

std::optional<ir::Config> compile_text(std::string_view text, const std::string& name, Diagnostics& diags) {
  if (text.size() > kMaxInputBytes) {
    diags.error(SourceLoc{name, 1, 1}, fmt::format("configuration larger than {} MiB", kMaxInputBytes >> 20));
    return std::nullopt;
  }
  std::vector<Line> lines = parse_text(text, name, diags);
  Lowerer l(diags, name);
  l.walk(lines);
  lines = {};
  // Build even after errors: undefined backends and the like are reported in one run.
  ir::Config c = l.build();
  if (diags.has_errors()) return std::nullopt;
  return c;
}

}  // namespace pg::haproxy
