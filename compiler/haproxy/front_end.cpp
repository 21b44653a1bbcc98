// The HAProxy front end's registry entry: configuration text -> lines -> IR.
#include "front_ends.h"
#include "haproxy/keyword_table.h"
#include "haproxy/lower.h"

namespace pg::haproxy {

const FrontEnd& front_end() {
  static const FrontEnd fe{Dialect::haproxy, true, compile_text, support_matrix_markdown, keyword_listing};
  return fe;
}

}  // namespace pg::haproxy
