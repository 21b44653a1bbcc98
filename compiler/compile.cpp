#include "compile.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "front_ends.h"
#include "read_file.h"

namespace pg {

CompileResult compile_config(const std::string& path, std::optional<Dialect> dialect) {
  CompileResult r;
  std::string text;
  if (int err = read_file(path, text)) {
    r.diags.error(SourceLoc{path, 0, 0}, fmt::format("cannot read \"{}\": {}", path, std::strerror(err)));
    return r;
  }
  r.dialect = dialect ? dialect : detect_dialect(path, text);
  if (!r.dialect) {
    r.diags.error(SourceLoc{path, 1, 1}, "cannot tell the dialect of this file; name it nginx.conf, "
                                         "Caddyfile or haproxy.cfg, or pass --dialect");
    return r;
  }
  try {
    r.config = front_end(*r.dialect).compile_text(text, path, r.diags);
  } catch (const std::exception& e) {
    // A bug, not a user error: still a diagnostic, never a crash.
    r.diags.error(SourceLoc{path, 0, 0}, fmt::format("internal error: {}", e.what()));
    r.config.reset();
  }
  return r;
}

}  // namespace pg
