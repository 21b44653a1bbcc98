// The Caddyfile's directives, subdirectives and global options, one table: name ->
// contexts, arity, block, handler, position in Caddy's directive order. It drives
// lowering (dispatch), diagnostics (unrecognized, not allowed here, argument count,
// not supported yet) and the support matrix (docs/caddy-support.md,
// `proxyglot directives caddy`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "caddy/lowerer.h"

namespace pg::caddy {

using Handler = void (*)(Lowerer&, const Call&);

inline constexpr int kMany = -1;

enum class Block { none, optional, required };

struct DirectiveSpec {
  std::string_view name;
  uint32_t contexts = 0;
  int min_args = 0;
  int max_args = 0;  // kMany: unbounded; matcher tokens not counted
  Block block = Block::none;
  Handler handler = nullptr;  // nullptr: Caddy 2.6 has it, proxyglot does not support it yet
  std::string_view summary;
};

const std::vector<DirectiveSpec>& directive_table();

// The spec allowed in `ctx`, else any spec of that name (to say "not allowed here"),
// else nullptr (unrecognized).
const DirectiveSpec* find_directive(std::string_view name, uint32_t ctx);

// Position of a handler directive in Caddy 2.6's directive order; -1 when it has none.
int directive_position(std::string_view name);

std::string context_names(uint32_t contexts);
std::string support_matrix_markdown();
std::string directive_listing();

}  // namespace pg::caddy
