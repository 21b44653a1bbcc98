// The HAProxy front end's only contact with ANTLR: lex with the generated grammar
// into raw lines of words.
#include "haproxy/parse.h"

#include <antlr4-runtime.h>

#include "HaproxyLexer.h"
#include "antlr/byte_lexer.h"
#include "antlr/byte_stream.h"

namespace pg::haproxy {

namespace {

using pg_Haproxy::HaproxyLexer;

SourceLoc loc_of(const antlr4::Token* t, FileName file) {
  return {file, static_cast<int>(t->getLine()), static_cast<int>(t->getCharPositionInLine()) + 1};
}

// A word's text without the blanks the lexer folded into it. A blank escaped by a
// backslash (an odd run of them before it) belongs to the word.
std::string_view trim_word(std::string_view raw) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!raw.empty() && blank(raw.back())) {
    size_t slashes = 0;
    for (size_t i = raw.size() - 1; i > 0 && raw[i - 1] == '\\'; --i) ++slashes;
    if (slashes % 2 == 1) break;
    raw.remove_suffix(1);
  }
  return raw;
}

RawWord raw_word(const antlr4::Token* t, FileName file, std::string_view text) {
  size_t type = t->getType();
  RawWord w;
  w.text = text.substr(t->getStartIndex(), t->getStopIndex() - t->getStartIndex() + 1);
  if (type == HaproxyLexer::WORD) w.text = trim_word(w.text);
  w.loc = loc_of(t, file);
  w.unclosed_quote = type == HaproxyLexer::OPEN_QUOTE;
  w.stray = type == HaproxyLexer::STRAY;
  return w;
}

}  // namespace

// HaproxyParser.g4 accepts every token sequence, and its parse follows from the tokens
// alone: a `line` ends at each NL, and the words before the end of the file are one
// more. So the lines are read off the tokens here, without running the parser, whose
// per-token cost (a prediction over every line: its two alternatives differ only at
// the line's end) was a quarter of reading a large file.
std::vector<RawLine> lex_lines(std::string_view text, FileName file, Diagnostics&) {
  antlr::ByteStream input(text, file.str());
  HaproxyLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr::ByteLexerSimulator& tokens = antlr::use_byte_simulator(lexer, input);
  std::vector<RawLine> lines;
  RawLine current;
  bool open = false;  // words seen since the last NL
  for (;;) {
    std::unique_ptr<antlr4::Token> t = tokens.next_token();
    size_t type = t->getType();
    if (type == antlr4::Token::EOF) break;
    if (type == HaproxyLexer::NL) {
      lines.push_back(std::move(current));
      current = {};
      open = false;
      continue;
    }
    current.words.push_back(raw_word(t.get(), file, text));
    open = true;
  }
  if (open) lines.push_back(std::move(current));
  return lines;
}

}  // namespace pg::haproxy
