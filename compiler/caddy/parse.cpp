// The caddy front end's only contact with ANTLR: lex and parse with the generated
// grammar, build Nodes from the parser's events, and turn ANTLR's syntax errors into
// Caddy's own messages.
#include "caddy/parse.h"

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "CaddyLexer.h"
#include "CaddyParser.h"
#include "antlr/byte_lexer.h"
#include "antlr/byte_stream.h"

namespace pg::caddy {

std::string substitute_env(std::string_view text, const char* (*lookup)(const char*)) {
  if (text.find("{$") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find("{$", i);
    if (open == std::string_view::npos) break;
    size_t close = text.find('}', open + 2);
    size_t newline = text.find('\n', open + 2);
    if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
      out.append(text.substr(i, open + 2 - i));  // not a variable reference: kept
      i = open + 2;
      continue;
    }
    out.append(text.substr(i, open - i));
    std::string name(text.substr(open + 2, close - open - 2));
    std::string fallback;
    if (size_t colon = name.find(':'); colon != std::string::npos) {
      fallback = name.substr(colon + 1);
      name.resize(colon);
    }
    const char* value = name.empty() ? nullptr : lookup(name.c_str());
    out += value ? std::string(value) : fallback;
    i = close + 1;
  }
  out.append(text.substr(i));
  return out;
}

namespace {

using pg_Caddy::CaddyLexer;
using pg_Caddy::CaddyParser;

// Deeper nesting than any real Caddyfile; bounds recursion on hostile input.
constexpr int kMaxBlockDepth = 100;

SourceLoc loc_of(const antlr4::Token* t, FileName file) {
  return {file, static_cast<int>(t->getLine()), static_cast<int>(t->getCharPositionInLine()) + 1};
}

// Caddy's quoted strings: only \" is an escape, every other backslash stays.
std::string unquote(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size() && body[i + 1] == '"') {
      out += '"';
      ++i;
      continue;
    }
    out += body[i];
  }
  return out;
}

class SyntaxErrors : public antlr4::BaseErrorListener {
 public:
  SyntaxErrors(Diagnostics& diags, FileName file) : diags_(diags), file_(file) {}

  void syntaxError(antlr4::Recognizer*, antlr4::Token* offending, size_t, size_t,
                   const std::string&, std::exception_ptr) override {
    if (!offending) return;
    SourceLoc loc = loc_of(offending, file_);
    std::string message;
    switch (offending->getType()) {
      case antlr4::Token::EOF:
        loc = last_;
        message = "Unexpected EOF: a block is not closed, expecting '}'";
        break;
      case CaddyLexer::RBRACE: message = "Unexpected '}' because no matching opening brace"; break;
      default: message = fmt::format("Unexpected token '{}'", offending->getText()); break;
    }
    if (loc.line == last_line_ && message == last_message_) return;
    last_line_ = loc.line;
    last_message_ = message;
    diags_.error(loc, message);
  }

  SourceLoc last_;  // the last token before EOF: where Caddy reports an unclosed block

 private:
  Diagnostics& diags_;
  FileName file_;
  int last_line_ = -1;
  std::string last_message_;
};

// Builds Nodes from the parser's events: no parse tree is kept.
class TreeBuilder : public antlr4::tree::ParseTreeListener {
 public:
  TreeBuilder(Diagnostics& diags, FileName file, std::string_view text)
      : diags_(diags), file_(file), text_(text) {}

  std::vector<Node> take() { return std::move(root_); }

  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    if (ctx->getRuleIndex() == CaddyParser::RuleStatement) open_statement();
  }

  void exitEveryRule(antlr4::ParserRuleContext* ctx) override {
    if (ctx->getRuleIndex() == CaddyParser::RuleStatement) close_statement();
  }

  void visitTerminal(antlr4::tree::TerminalNode* node) override { token(node->getSymbol()); }
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}

  // The parser's events, also replayed without it (PlainWalk).
  void open_statement() { stack_.emplace_back(); }

  void close_statement() {
    if (stack_.empty()) return;
    Node n = std::move(stack_.back());
    stack_.pop_back();
    (stack_.empty() ? root_ : stack_.back().block).push_back(std::move(n));
  }

  void token(const antlr4::Token* t) {
    if (stack_.empty()) return;
    Node& top = stack_.back();
    SourceLoc loc = loc_of(t, file_);
    if (top.loc.line == 0) top.loc = loc;
    size_t type = t->getType();
    // Caddy reads a '}' after other tokens on its line as one more argument of that
    // line, then finds the block unbalanced: report it there, as Caddy does.
    if (type == CaddyLexer::RBRACE && prev_line_ == loc.line && prev_type_ != CaddyLexer::LBRACE)
      diags_.error(loc, "Unexpected '}' because no matching opening brace");
    if (type != CaddyLexer::NEWLINE) {
      prev_line_ = loc.line;
      prev_type_ = type;
    }
    std::string_view raw = text_.substr(t->getStartIndex(), t->getStopIndex() - t->getStartIndex() + 1);
    switch (type) {
      case CaddyLexer::LBRACE: top.has_block = true; return;
      case CaddyLexer::RBRACE: top.close_loc = loc; return;
      case CaddyLexer::NEWLINE: return;
      case CaddyLexer::WORD: top.words.push_back({std::string(raw), loc, false}); return;
      case CaddyLexer::DQ_STRING: top.words.push_back({unquote(raw.substr(1, raw.size() - 2)), loc, true}); return;
      case CaddyLexer::BT_STRING: top.words.push_back({std::string(raw.substr(1, raw.size() - 2)), loc, true}); return;
      case CaddyLexer::DQ_OPEN:
      case CaddyLexer::BT_OPEN:
        diags_.error(loc, "Unexpected EOF: a quoted string is not closed");
        top.words.push_back({std::string(raw.substr(1)), loc, true});
        return;
      case CaddyLexer::HEREDOC_START:
        heredoc_ = Word{"", loc, true};
        heredoc_lines_.clear();
        return;
      case CaddyLexer::HEREDOC_LINE: heredoc_lines_.emplace_back(raw); return;
      case CaddyLexer::HEREDOC_END: top.words.push_back(finish_heredoc(raw)); return;
      default:  // STRAY: a lone backslash at end of file
        top.words.push_back({std::string(raw), loc, false});
        return;
    }
  }

 private:
  // The closing marker's indentation is removed from every line (Caddy 2.7's rule).
  Word finish_heredoc(std::string_view end_line) {
    size_t indent = end_line.find_first_not_of(" \t");
    std::string_view prefix = end_line.substr(0, indent == std::string_view::npos ? 0 : indent);
    std::string value;
    for (const auto& line : heredoc_lines_) {
      std::string_view l = line;
      if (l.substr(0, prefix.size()) == prefix) l.remove_prefix(prefix.size());
      else if (l.find_first_not_of(" \t\r\n") != std::string_view::npos)
        diags_.error(heredoc_.loc, "heredoc line is not indented like its closing marker");
      value.append(l);
    }
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
    heredoc_.value = std::move(value);
    return heredoc_;
  }

  Diagnostics& diags_;
  FileName file_;
  std::string_view text_;
  std::vector<Node> stack_;
  std::vector<Node> root_;
  Word heredoc_;
  std::vector<std::string> heredoc_lines_;
  int prev_line_ = 0;
  size_t prev_type_ = 0;
};

// The parse of a token list the grammar takes without an error, walked without the
// parser: the parser's per-token cost is about a fifth of reading a large file. Where
// the grammar is ambiguous the parser takes the longer statement (its SLL prediction
// picks the first alternative: one more word, the block after the words), and so does
// this walk. Without a builder it only checks that the tokens are such a list; with
// one, it gives the builder the parser's events in the parser's order.
class PlainWalk {
 public:
  PlainWalk(const antlr::Tokens& tokens, TreeBuilder* builder)
      : tokens_(tokens), builder_(builder) {}

  // config : ( NEWLINE | statement )* EOF
  bool config() { return statements(antlr4::Token::EOF); }

 private:
  static bool is_word(size_t type) {
    switch (type) {
      case CaddyLexer::WORD: case CaddyLexer::DQ_STRING: case CaddyLexer::BT_STRING:
      case CaddyLexer::DQ_OPEN: case CaddyLexer::BT_OPEN: case CaddyLexer::STRAY: return true;
      default: return false;
    }
  }
  static bool starts_statement(size_t type) {
    return is_word(type) || type == CaddyLexer::HEREDOC_START || type == CaddyLexer::LBRACE;
  }

  size_t peek() const { return at_ < tokens_.size() ? tokens_[at_]->getType() : antlr4::Token::EOF; }
  void visit() {
    if (builder_) builder_->token(tokens_[at_].get());
    ++at_;
  }

  // statement : ( word | heredoc )+ block? | block
  bool statement() {
    if (builder_) builder_->open_statement();
    if (peek() != CaddyLexer::LBRACE) {
      for (;;) {
        size_t type = peek();
        if (is_word(type)) {
          visit();
        } else if (type == CaddyLexer::HEREDOC_START) {
          visit();
          while (peek() == CaddyLexer::HEREDOC_LINE) visit();
          if (peek() != CaddyLexer::HEREDOC_END) return false;
          visit();
        } else {
          break;
        }
      }
    }
    if (peek() == CaddyLexer::LBRACE && !block()) return false;
    if (builder_) builder_->close_statement();
    return true;
  }

  // block : LBRACE ( NEWLINE | statement )* RBRACE
  bool block() {
    visit();
    return statements(CaddyLexer::RBRACE);
  }

  // ( NEWLINE | statement )* then `end` (EOF for the file, RBRACE for a block), visited.
  bool statements(size_t end) {
    for (;;) {
      size_t type = peek();
      if (type == CaddyLexer::NEWLINE) {
        visit();
      } else if (starts_statement(type)) {
        if (!statement()) return false;
      } else if (type == end) {
        visit();
        return true;
      } else {
        return false;
      }
    }
  }

  const antlr::Tokens& tokens_;
  TreeBuilder* builder_;
  size_t at_ = 0;
};

}  // namespace

std::vector<Node> parse_nodes(std::string_view text, const std::string& name, Diagnostics& diags) {
  FileName file(name);
  antlr::ByteStream input(text, name);
  CaddyLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr::Tokens tokens = antlr::use_byte_simulator(lexer, input).all_tokens();

  SyntaxErrors errors(diags, file);
  int depth = 0;
  for (const auto& t : tokens) {
    size_t type = t->getType();
    if (type == CaddyLexer::LBRACE && ++depth > kMaxBlockDepth) {
      diags.error(loc_of(t.get(), file), fmt::format("blocks nested deeper than {} levels", kMaxBlockDepth));
      return {};
    }
    if (type == CaddyLexer::RBRACE && depth > 0) --depth;
    if (type != CaddyLexer::NEWLINE && type != antlr4::Token::EOF) errors.last_ = loc_of(t.get(), file);
  }
  if (errors.last_.line == 0) errors.last_ = SourceLoc{file, 1, 1};
  if (lexer.mode == CaddyLexer::HEREDOC) {
    diags.error(errors.last_, "Unexpected EOF: heredoc marker \"" + lexer.heredoc_marker_ + "\" never closes it");
    return {};
  }

  TreeBuilder builder(diags, file, text);
  if (PlainWalk(tokens, nullptr).config()) {
    PlainWalk(tokens, &builder).config();
    return builder.take();
  }

  // Anything else takes the parser, with its error recovery, over the text lexed again
  // into a token stream of its own: a rare, small file.
  antlr::ByteStream again(text, name);
  CaddyLexer relexer(&again);
  relexer.removeErrorListeners();
  antlr::use_byte_simulator(relexer, again);
  antlr4::CommonTokenStream stream(&relexer);
  CaddyParser parser(&stream);
  parser.removeErrorListeners();
  parser.addErrorListener(&errors);
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setBuildParseTree(false);
  parser.addParseListener(&builder);
  parser.config();
  return builder.take();
}

}  // namespace pg::caddy
