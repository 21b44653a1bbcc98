// libFuzzer target: any bytes through the caddy front end and, when they compile, the
// IR's JSON round trip. A crash, hang, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "caddy/lower.h"
#include "ir/ir_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pg::Diagnostics diags;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Imports resolve against a directory with nothing to import.
  auto config = pg::caddy::compile_text(text, "/nonexistent-fuzz-dir/Caddyfile", diags);
  if (config) {
    std::string json = pg::ir::to_canonical_json(*config);
    if (pg::ir::to_canonical_json(pg::ir::config_from_json(json)) != json) __builtin_trap();
  }
  return 0;
}
