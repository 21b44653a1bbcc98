// The nginx emitter: IR -> nginx configuration. (First version: a skeleton.)
#include "emitters.h"

namespace pg::nginx {

std::string emit(const ir::Config& config, Diagnostics& losses) {
  (void)config;
  (void)losses;
  return "";
}

}  // namespace pg::nginx
