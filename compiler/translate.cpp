#include "translate.h"

#include <fmt/format.h>

#include "compile.h"
#include "emitters.h"
#include "front_ends.h"
#include "ir/equivalence.h"

namespace pg {

namespace {

// The name the emitted text is compiled under: what a user would call the file.
std::string translated_name(Dialect to) { return fmt::format("translated {}", conventional_file_name(to)); }

std::string loss_message(Dialect to, const ir::Difference& d) {
  std::string_view target = dialect_name(to);
  if (d.b_value.empty())
    return fmt::format("not kept in the {} translation: {} {}", target, d.what, d.a_value);
  if (d.a_value.empty())
    return fmt::format("added by the {} translation: {} {}", target, d.what, d.b_value);
  return fmt::format("changed by the {} translation: {} {} becomes {}", target, d.what, d.a_value, d.b_value);
}

void report(Diagnostics& out, bool as_error, Diagnostic d) {
  if (as_error) out.error(d.loc, std::move(d.message));
  else out.warning(d.loc, std::move(d.message));
}

}  // namespace

TranslateResult translate_config(const std::string& path, const TranslateOptions& options) {
  TranslateResult r;
  CompileResult source = compile_config(path, options.from);
  r.diags = std::move(source.diags);
  if (!source.config) return r;

  Diagnostics losses;
  std::string text;
  try {
    text = emitter(options.to)(*source.config, losses);
  } catch (const std::exception& e) {
    r.diags.error(source.config->loc, fmt::format("internal error: emitting {}: {}", dialect_name(options.to), e.what()));
    return r;
  }

  // The proof: the target's own front end reads the text back, and whatever it means
  // differently from the source is a loss at the source's line.
  Diagnostics reread;
  std::optional<ir::Config> translated;
  try {
    translated = front_end(options.to).compile_text(text, translated_name(options.to), reread);
  } catch (const std::exception& e) {
    reread.error(SourceLoc{translated_name(options.to), 0, 0}, e.what());
  }
  for (const auto& d : reread.all()) {
    // The emitter wrote something its own front end questions: a bug to report, never
    // to hide (errors stop the translation; warnings are kept as losses).
    std::string what = fmt::format("the {} translation reads back with: {}", dialect_name(options.to),
                                   format_diagnostic(d));
    if (d.severity == Severity::error) r.diags.error(source.config->loc, "internal error: " + what);
    else losses.warning(source.config->loc, what);
  }
  if (!translated) return r;

  for (const auto& d : ir::compare(*source.config, *translated)) {
    SourceLoc at = d.a.line ? d.a : source.config->loc;
    losses.warning(at, loss_message(options.to, d));
  }
  r.losses = static_cast<int>(losses.all().size());
  // Moved, not copied: a large translation has 100,000s of them.
  for (auto& d : losses.release()) {
    if (d.loc.file.empty()) d.loc = source.config->loc;  // a global setting: the file itself
    report(r.diags, options.strict, std::move(d));
  }
  if (!r.diags.has_errors()) r.text = std::move(text);
  return r;
}

}  // namespace pg
