// Placeholder until the caddy front end lands: every file is an explicit error.
#include <fmt/format.h>

#include "front_ends.h"

namespace pg::caddy {

namespace {

std::optional<ir::Config> compile_text(std::string_view, const std::string& name, Diagnostics& diags) {
  diags.error(SourceLoc{name, 1, 1}, "the caddy front end is not implemented yet");
  return std::nullopt;
}

std::string none() { return {}; }

}  // namespace

const FrontEnd& front_end() {
  static const FrontEnd fe{Dialect::caddy, false, compile_text, none, none};
  return fe;
}

}  // namespace pg::caddy
