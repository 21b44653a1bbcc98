// The front ends proxyglot has, one entry per dialect: what the driver and the CLI
// need from each, so that neither names a dialect's internals.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "dialect.h"
#include "ir/ir.h"

namespace pg {

struct FrontEnd {
  Dialect dialect;
  bool implemented;
  // Parses and lowers `text`, read from `name` (relative imports/includes resolve
  // against its directory). The IR, or nullopt after reporting errors.
  std::optional<ir::Config> (*compile_text)(std::string_view text, const std::string& name,
                                            Diagnostics& diags);
  // The support matrix (docs/<dialect>-support.md) and the plain listing.
  std::string (*support_matrix_markdown)();
  std::string (*directive_listing)();
};

const FrontEnd& front_end(Dialect dialect);

}  // namespace pg

// Each dialect's entry, defined in its folder (nginx/front_end.cpp, ...).
namespace pg::nginx { const FrontEnd& front_end(); }
namespace pg::caddy { const FrontEnd& front_end(); }
namespace pg::haproxy { const FrontEnd& front_end(); }
