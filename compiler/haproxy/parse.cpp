// The HAProxy front end's only contact with ANTLR: lex and parse with the generated
// grammar into raw lines of words.
#include "haproxy/parse.h"

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "HaproxyLexer.h"
#include "HaproxyParser.h"
#include "antlr/byte_stream.h"

namespace pg::haproxy {

namespace {

using pg_Haproxy::HaproxyLexer;
using pg_Haproxy::HaproxyParser;

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

// Collects the words of each `line` as the parser leaves it: no parse tree is kept.
class LineBuilder : public antlr4::tree::ParseTreeListener {
 public:
  LineBuilder(std::vector<RawLine>& out, FileName file, std::string_view text)
      : out_(out), file_(file), text_(text) {}

  void enterEveryRule(antlr4::ParserRuleContext*) override {}
  void exitEveryRule(antlr4::ParserRuleContext* ctx) override {
    if (ctx->getRuleIndex() != HaproxyParser::RuleLine) return;
    out_.push_back(std::move(current_));
    current_ = {};
  }
  void visitTerminal(antlr4::tree::TerminalNode* node) override {
    const antlr4::Token* t = node->getSymbol();
    size_t type = t->getType();
    if (type == HaproxyLexer::NL || type == antlr4::Token::EOF) return;
    RawWord w;
    w.text = text_.substr(t->getStartIndex(), t->getStopIndex() - t->getStartIndex() + 1);
    if (type == HaproxyLexer::WORD) w.text = trim_word(w.text);
    w.loc = loc_of(t, file_);
    w.unclosed_quote = type == HaproxyLexer::OPEN_QUOTE;
    w.stray = type == HaproxyLexer::STRAY;
    current_.words.push_back(w);
  }
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}

 private:
  std::vector<RawLine>& out_;
  FileName file_;
  std::string_view text_;
  RawLine current_;
};

// The grammar accepts every token sequence; a syntax error is a bug, reported as one.
class SyntaxErrors : public antlr4::BaseErrorListener {
 public:
  SyntaxErrors(Diagnostics& diags, FileName file) : diags_(diags), file_(file) {}
  void syntaxError(antlr4::Recognizer*, antlr4::Token* offending, size_t, size_t,
                   const std::string& msg, std::exception_ptr) override {
    if (offending) diags_.error(loc_of(offending, file_), "internal parse error: " + msg);
  }

 private:
  Diagnostics& diags_;
  FileName file_;
};

}  // namespace

std::vector<RawLine> lex_lines(std::string_view text, FileName file, Diagnostics& diags) {
  antlr::ByteStream input(text, file.str());
  HaproxyLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream tokens(&lexer);
  HaproxyParser parser(&tokens);
  parser.removeErrorListeners();
  SyntaxErrors errors(diags, file);
  parser.addErrorListener(&errors);
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  std::vector<RawLine> lines;
  LineBuilder builder(lines, file, text);
  parser.setBuildParseTree(false);
  parser.addParseListener(&builder);
  parser.config();
  return lines;
}

}  // namespace pg::haproxy
