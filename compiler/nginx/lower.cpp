#include "nginx/lower.h"

#include <filesystem>

#include "nginx/directive_table.h"
#include "nginx/lowerer.h"
#include "nginx/parse.h"

namespace pg::nginx {

namespace {

// nginx resolves variables once the whole configuration is read: collect the names
// that maps and named regex captures define anywhere before lowering any value.
void collect_names(const std::vector<Directive>& ds, VariableNames& names) {
  for (const auto& d : ds) {
    if (d.name == "map" && d.args.size() == 2 && d.args[1].value.size() > 1 && d.args[1].value[0] == '$') {
      std::string n = d.args[1].value.substr(1);
      for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      names.maps.insert(n);
    }
    for (const auto& a : d.args)
      if (a.value.find("(?") != std::string::npos) collect_captures(a.value, names.captures);
    if (d.name.find("(?") != std::string::npos) collect_captures(d.name, names.captures);  // map keys
    collect_names(d.block, names);
  }
}

// A sites-enabled file holds http-level blocks only (upstream, server, map...).
bool is_http_fragment(const std::vector<Directive>& ds) {
  bool any_http_only = false;
  for (const auto& d : ds) {
    const DirectiveSpec* spec = find_directive(d.name, kMain);
    if (spec && (spec->contexts & kMain)) return false;
    spec = find_directive(d.name, kHttp);
    if (spec && spec->handler && (spec->contexts & kHttp)) any_http_only = true;
  }
  return any_http_only;
}

}  // namespace

std::optional<ir::Config> lower(std::vector<Directive> directives, const std::string& file,
                                Diagnostics& diags) {
  Lowerer l(diags, file);
  collect_names(directives, l.names());
  if (is_http_fragment(directives)) {
    auto& http = l.http();
    http.present = true;
    http.loc = SourceLoc{file, 1, 1};
    Frame f{kHttp};
    f.settings = &http.settings;
    l.walk(directives, std::move(f));
  } else {
    l.walk(directives, Frame{kMain});
    if (l.http().present && !l.events_seen)
      diags.error(SourceLoc{file, 1, 1}, "no \"events\" section in configuration");
  }
  directives = {};
  // Build even after errors: what only the whole configuration shows (duplicate
  // default servers, missing certificates) is reported in the same run.
  ir::Config c = l.build();
  if (diags.has_errors()) return std::nullopt;
  return c;
}

std::optional<ir::Config> compile_text(std::string_view text, const std::string& name, Diagnostics& diags) {
  ParseOptions options;
  options.include_base = std::filesystem::path(name).parent_path().string();
  if (options.include_base.empty()) options.include_base = ".";
  auto directives = parse_text(text, name, options, diags);
  if (diags.has_errors()) {
    lower(std::move(directives), name, diags);
    return std::nullopt;
  }
  return lower(std::move(directives), name, diags);
}

}  // namespace pg::nginx
