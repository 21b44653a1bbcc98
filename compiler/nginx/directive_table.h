// nginx's directives, one table: name -> contexts, arity, block, handler. It drives
// lowering (dispatch), diagnostics (unknown, not allowed here, arity, duplicate,
// not supported yet) and the support matrix (docs/nginx-support.md,
// `proxyglot directives nginx`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "nginx/lowerer.h"

namespace pg::nginx {

using Handler = void (*)(Lowerer&, const Directive&);

inline constexpr int kMany = -1;

struct DirectiveSpec {
  std::string_view name;
  uint32_t contexts = 0;
  int min_args = 0;
  int max_args = 0;         // kMany: unbounded
  bool block = false;       // takes a { } block
  bool repeatable = false;  // may be given more than once at one level
  Handler handler = nullptr;  // nullptr: nginx has it, proxyglot does not support it yet
  std::string_view summary;
};

const std::vector<DirectiveSpec>& directive_table();

// The spec allowed in `ctx`, else any spec of that name (to say "not allowed here"),
// else nullptr (unknown directive).
const DirectiveSpec* find_directive(std::string_view name, uint32_t ctx);

// "main, http, server" for docs and messages.
std::string context_names(uint32_t contexts);

// The support matrix as markdown (docs/nginx-support.md is this text).
std::string support_matrix_markdown();

}  // namespace pg::nginx
