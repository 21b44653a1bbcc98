#include "front_ends.h"

namespace pg {

const FrontEnd& front_end(Dialect dialect) {
  switch (dialect) {
    case Dialect::caddy: return caddy::front_end();
    case Dialect::haproxy: return haproxy::front_end();
    case Dialect::nginx: break;
  }
  return nginx::front_end();
}

}  // namespace pg
