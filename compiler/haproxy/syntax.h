// HAProxy's generic configuration shape, free of ANTLR types: lines of words, with
// quotes, escapes, environment variables and .if blocks already resolved.
#pragma once

#include <string>
#include <vector>

#include "diag/source_loc.h"

namespace pg::haproxy {

struct Word {
  std::string value;  // quotes removed, escapes and ${VAR} resolved as HAProxy does
  SourceLoc loc;
  bool quoted = false;
};

struct Line {
  SourceLoc loc;  // the first word's position
  std::vector<Word> words;
};

// A line as the lexer saw it: words with their raw text, before any resolution.
struct RawWord {
  std::string_view text;
  SourceLoc loc;
  bool unclosed_quote = false;  // the line ended inside a quote
  bool stray = false;           // a lone backslash at the end of the line
};

struct RawLine {
  std::vector<RawWord> words;
};

}  // namespace pg::haproxy
