#include "emitters.h"

namespace pg {

EmitFunction emitter(Dialect target) {
  switch (target) {
    case Dialect::nginx: return &nginx::emit;
    case Dialect::caddy: return &caddy::emit;
    case Dialect::haproxy: return &haproxy::emit;
  }
  return &nginx::emit;
}

}  // namespace pg
