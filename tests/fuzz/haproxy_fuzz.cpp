// libFuzzer target: any bytes through the HAProxy front end and, when they compile, the
// IR's JSON round trip. A crash, hang, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "haproxy/lower.h"
#include "ir/ir_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pg::Diagnostics diags;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = pg::haproxy::compile_text(text, "/nonexistent-fuzz-dir/haproxy.cfg", diags);
  if (config) {
    std::string json = pg::ir::to_canonical_json(*config);
    if (pg::ir::to_canonical_json(pg::ir::config_from_json(json)) != json) __builtin_trap();
  }
  return 0;
}
