// The haproxy emitter: IR -> haproxy configuration. (First version: a skeleton.)
#include "emitters.h"

namespace pg::haproxy {

std::string emit(const ir::Config& config, Diagnostics& losses) {
  (void)config;
  (void)losses;
  return "";
}

}  // namespace pg::haproxy
