// Pieces of the generated support matrices (docs/<dialect>-support.md) that every
// front end's table prints the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pg {

// "1", "1-2", "2+" (max -1: unbounded), "+ block" when the directive takes one.
std::string arity_text(int min_args, int max_args, bool block = false);

// `a`, `b`, `c` ... as markdown code spans, wrapped before `width` columns.
std::string wrapped_names(const std::vector<std::string_view>& names, size_t width = 88);

}  // namespace pg
