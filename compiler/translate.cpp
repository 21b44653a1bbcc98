#include "translate.h"

#include <future>

#include <fmt/format.h>

#include "compile.h"
#include "diag/alike_warnings.h"
#include "diag/phase_timer.h"
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

// Which differences are the same loss: the same field (what follows the element's
// name, "virtual host H: route M: ") with the same values on each side. Written into
// `key`, whose room is reused: 100,000s of keys, each only looked up.
void loss_key(const ir::Difference& d, std::string& key) {
  std::string_view what = d.what;
  if (size_t scope = what.rfind(": "); scope != std::string_view::npos) what.remove_prefix(scope + 2);
  key.clear();
  key.append("loss\n").append(what).append("\n").append(d.a_value).append("\n").append(d.b_value);
}

}  // namespace

TranslateResult translate_config(const std::string& path, const TranslateOptions& options) {
  TranslateResult r;
  PhaseTimer timer;
  CompileResult source = compile_config(path, options.from);
  r.diags = std::move(source.diags);
  timer.mark("compile");
  if (!source.config) return r;

  // The source's side of the comparison is prepared meanwhile, on another thread: it
  // reads only the source, and on a large configuration takes about as long as the
  // emitting.
  std::future<ir::Prepared> prepared =
      std::async(std::launch::async, [&config = *source.config] { return ir::Prepared(config); });

  Diagnostics losses;
  std::string text;
  try {
    text = emitter(options.to)(*source.config, losses);
  } catch (const std::exception& e) {
    r.diags.error(source.config->loc, fmt::format("internal error: emitting {}: {}", dialect_name(options.to), e.what()));
    return r;
  }

  timer.mark("emit");

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
  timer.mark("read back");

  // Each distinct loss once, with the number of places it stands for: the emitter's
  // own warnings by their text, the differences by their field and values.
  AlikeWarnings alike;
  for (const auto& d : losses.all()) {
    SourceLoc at = d.loc.file.empty() ? source.config->loc : d.loc;  // a global setting: the file itself
    alike.add(at, "emitter\n" + d.message, [&] { return d.message; });
  }
  // The differences grouped as the comparison finds them: none is kept.
  std::string key;
  ir::compare(prepared.get(), *translated, [&](ir::Difference&& d) {
    SourceLoc at = d.a.line ? d.a : source.config->loc;
    loss_key(d, key);
    alike.add(at, key, [&] { return loss_message(options.to, d); });
  });
  timer.mark("compare");
  r.losses = alike.places();
  alike.report(r.diags, options.strict);
  timer.mark("group");
  if (!r.diags.has_errors()) r.text = std::move(text);
  return r;
}

}  // namespace pg
