// HAProxy's keywords, one table: name -> sections, arity, handler, summary. Families
// (option, timeout, http-request, http-response, http-check, stats) have one entry per
// member, named with both words. The table drives dispatch, diagnostics (unknown, not
// allowed in this section, arity, not supported yet) and the support matrix
// (docs/haproxy-support.md, `proxyglot directives haproxy`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "haproxy/lowerer.h"

namespace pg::haproxy {

// `arg` indexes the line's first argument (after the one or two keyword words).
using Handler = void (*)(Lowerer&, const Line&, size_t arg);

inline constexpr int kMany = -1;

struct KeywordSpec {
  std::string_view name;
  uint32_t sections = 0;
  int min_args = 0;
  int max_args = 0;  // kMany: unbounded
  Handler handler = nullptr;  // nullptr: HAProxy has it, proxyglot does not support it yet
  std::string_view summary;
  // In a proxy without the capability, HAProxy warns and ignores it (timeouts, options)
  // instead of rejecting the configuration.
  bool warn_elsewhere = false;
};

const std::vector<KeywordSpec>& keyword_table();

// The keyword families whose second word selects the entry.
bool is_family(std::string_view first_word);

// The spec named `name` ("balance", "option forwardfor") allowed in `section`, else any
// spec of that name (to say it does not belong there), else nullptr.
const KeywordSpec* find_keyword(std::string_view name, uint32_t section);

std::string section_names(uint32_t sections);

// The support matrix as markdown (docs/haproxy-support.md is this text).
std::string support_matrix_markdown();
std::string keyword_listing();

}  // namespace pg::haproxy
