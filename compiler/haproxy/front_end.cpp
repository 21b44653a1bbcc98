// Placeholder until the haproxy front end lands: every file is an explicit error.
#include <fmt/format.h>

#include "front_ends.h"

namespace pg::haproxy {

namespace {

std::optional<ir::Config> compile_text(std::string_view, const std::string& name, Diagnostics& diags) {
  diags.error(SourceLoc{name, 1, 1}, "the haproxy front end is not implemented yet");
  return std::nullopt;
}

std::string none() { return {}; }

}  // namespace

const FrontEnd& front_end() {
  static const FrontEnd fe{Dialect::haproxy, false, compile_text, none, none};
  return fe;
}

}  // namespace pg::haproxy
