// The Caddyfile's generic shape, free of ANTLR types: lines of words, each optionally
// opening a block; snippets and imports already expanded.
#pragma once

#include <string>
#include <vector>

#include "diag/source_loc.h"

namespace pg::caddy {

struct Word {
  std::string value;  // quotes removed, escapes resolved as Caddy does
  SourceLoc loc;
  bool quoted = false;  // quoted words are never '{', '}' or matchers
};

// One line: its words and, when it ends with '{', the lines of its block.
struct Node {
  std::vector<Word> words;
  SourceLoc loc;  // the first word's (or the lone '{''s) position
  bool has_block = false;
  SourceLoc close_loc;  // the block's '}'
  std::vector<Node> block;

  const std::string& name() const { static const std::string none; return words.empty() ? none : words[0].value; }
};

}  // namespace pg::caddy
