// Reading nginx configuration files into the generic Directive tree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostics.h"
#include "nginx/syntax.h"

namespace pg::nginx {

struct ParseOptions {
  // Relative `include` paths resolve against this directory (the main config's).
  std::string include_base;
};

// Parses `text`, read from `name`, and every file it includes. Syntax errors are
// reported to `diags`; what could be recovered is returned.
std::vector<Directive> parse_text(std::string_view text, const std::string& name,
                                  const ParseOptions& options, Diagnostics& diags);

// nginx's unescaping of a token's raw text: \" \' \\ \t \r \n; other escapes stay.
std::string unescape(std::string_view raw);

}  // namespace pg::nginx
