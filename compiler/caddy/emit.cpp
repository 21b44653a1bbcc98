// The caddy emitter: IR -> caddy configuration. (First version: a skeleton.)
#include "emitters.h"

namespace pg::caddy {

std::string emit(const ir::Config& config, Diagnostics& losses) {
  (void)config;
  (void)losses;
  return "";
}

}  // namespace pg::caddy
