// Snippets and `import`: a Caddyfile read with every import expanded in place, as
// Caddy's parser does before it interprets any directive.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "caddy/syntax.h"
#include "diag/diagnostics.h"

namespace pg::caddy {

// Substitutes {$ENV}, parses `text` (read from `name`), records `(snippet)` blocks and
// replaces each `import` by the snippet's lines or the imported files' lines (globs
// allowed, relative to the importing file's directory), with {args[N]} / {args.N}
// replaced by the import's arguments. Like Caddy 2.6, an import inside a directive's
// block that is not on a later line than the token before it (one that starts a snippet
// imported there) is left as a line named `import`, with a warning saying why.
std::vector<Node> read_caddyfile(std::string_view text, const std::string& name, Diagnostics& diags);

}  // namespace pg::caddy
