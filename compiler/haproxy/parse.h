// Reading an HAProxy configuration into resolved Lines: lexing (the only contact with
// ANTLR), then word resolution and the .if/.elif/.else/.endif blocks.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostics.h"
#include "haproxy/syntax.h"

namespace pg::haproxy {

// Lexes `text` into raw lines (empty ones too). The raw words point into `text`.
std::vector<RawLine> lex_lines(std::string_view text, FileName file, Diagnostics& diags);

// The environment ${VAR} reads: the process environment, then what setenv/presetenv
// in `global` set as the file is read.
class Environment {
 public:
  Environment();  // a copy of the process environment
  const std::string* get(const std::string& name) const;
  void set(const std::string& name, std::string value) { vars_[name] = std::move(value); }
  void unset(const std::string& name) { vars_.erase(name); }
  bool has(const std::string& name) const { return vars_.count(name) > 0; }
  void keep_only(const std::vector<std::string>& names);

 private:
  std::map<std::string, std::string> vars_;
};

// Resolves one raw word: quotes, escapes, ${VAR} in double quotes.
Word resolve_word(const RawWord& raw, const Environment& env, Diagnostics& diags);

// The whole reading: lex, resolve, evaluate conditional blocks, apply setenv/presetenv/
// unsetenv/resetenv of the global section to the environment as HAProxy does (in order).
std::vector<Line> parse_text(std::string_view text, const std::string& name, Diagnostics& diags);

}  // namespace pg::haproxy
