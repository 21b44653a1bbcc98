// The nginx front end's only contact with ANTLR: lex and parse with the generated
// grammar, turn the parse tree into Directives, expand includes, and turn ANTLR's
// syntax errors into nginx's own messages.
#include "nginx/parse.h"

#include <glob.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "NginxLexer.h"
#include "NginxParser.h"
#include "antlr/byte_lexer.h"
#include "antlr/byte_stream.h"
#include "read_file.h"

namespace pg::nginx {

SourceLoc report_loc(const Directive& d) {
  if (d.end_loc.line == 0 || d.end_loc.line == d.loc.line) return d.loc;
  return d.end_loc;
}

std::string unescape(std::string_view raw) {
  if (raw.find('\\') == std::string_view::npos) return std::string(raw);
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char n = raw[i + 1];
      switch (n) {
        case '"': case '\'': case '\\': out += n; ++i; continue;
        case 't': out += '\t'; ++i; continue;
        case 'r': out += '\r'; ++i; continue;
        case 'n': out += '\n'; ++i; continue;
        default: break;  // nginx keeps the backslash and the character
      }
    }
    out += c;
  }
  return out;
}

namespace {

using pg_Nginx::NginxLexer;
using pg_Nginx::NginxParser;

// Deeper nesting than any real configuration; bounds recursion on hostile input.
constexpr int kMaxBlockDepth = 100;
constexpr int kMaxIncludeDepth = 16;

using antlr::ByteStream;

SourceLoc loc_of(const antlr4::Token* t, FileName file) {
  return {file, static_cast<int>(t->getLine()), static_cast<int>(t->getCharPositionInLine()) + 1};
}

// The line nginx names when the file ends early: the last line of the file.
SourceLoc eof_loc(std::string_view text, FileName file) {
  int line = 1;
  for (char c : text) line += c == '\n';
  return {file, line, 1};
}

std::string token_char(const antlr4::Token* t) {
  switch (t->getType()) {
    case NginxLexer::SEMI: return ";";
    case NginxLexer::LBRACE: return "{";
    case NginxLexer::RBRACE: return "}";
    default: return t->getText().substr(0, 1);
  }
}

class SyntaxErrors : public antlr4::BaseErrorListener {
 public:
  SyntaxErrors(Diagnostics& diags, FileName file, std::string_view text)
      : diags_(diags), file_(file), text_(text) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t,
                   size_t, const std::string&, std::exception_ptr) override {
    if (!offending) return;
    SourceLoc loc = loc_of(offending, file_);
    std::string message;
    if (offending->getType() == antlr4::Token::EOF) {
      loc = eof_loc(text_, file_);
      auto* ctx = static_cast<antlr4::Parser*>(recognizer)->getContext();
      bool in_directive = ctx && ctx->getRuleIndex() == NginxParser::RuleDirective;
      message = in_directive ? "unexpected end of file, expecting \";\" or \"}\""
                             : "unexpected end of file, expecting \"}\"";
    } else {
      message = fmt::format("unexpected \"{}\"", token_char(offending));
    }
    // Recovery can report one problem twice; say it once.
    if (loc.line == last_line_ && message == last_message_) return;
    last_line_ = loc.line;
    last_message_ = message;
    diags_.error(loc, message);
  }

 private:
  Diagnostics& diags_;
  FileName file_;
  std::string_view text_;
  int last_line_ = -1;
  std::string last_message_;
};

struct Reader {
  Diagnostics& diags;
  std::string include_base;
  int include_depth = 0;

  std::vector<Directive> parse(std::string_view text, const std::string& file);
  Arg word(const antlr4::Token* t, FileName file, std::string_view text);
  void include(const Directive& d, std::vector<Directive>& out);
};

// Builds Directives from the parser's events as it parses: no parse tree is kept,
// which halves the time and memory a large configuration takes.
class TreeBuilder : public antlr4::tree::ParseTreeListener {
 public:
  TreeBuilder(Reader& reader, FileName file, std::string_view text)
      : reader_(reader), file_(file), text_(text) {}

  std::vector<Directive> take() { return std::move(root_); }

  void enterEveryRule(antlr4::ParserRuleContext* ctx) override {
    size_t rule = ctx->getRuleIndex();
    if (rule == NginxParser::RuleDirective) open_directive();
    else if (rule == NginxParser::RuleEmptyStatement) stack_.push_back(Open{{}, true, false});
  }

  void exitEveryRule(antlr4::ParserRuleContext* ctx) override {
    size_t rule = ctx->getRuleIndex();
    if (rule == NginxParser::RuleDirective || rule == NginxParser::RuleEmptyStatement) close();
  }

  void visitTerminal(antlr4::tree::TerminalNode* node) override { token(node->getSymbol()); }
  void visitErrorNode(antlr4::tree::ErrorNode*) override {}

  // The parser's events, also replayed without it (replay_plain).
  void open_directive() { stack_.push_back(Open{}); }

  void close() {
    if (stack_.empty()) return;
    Open open = std::move(stack_.back());
    stack_.pop_back();
    std::vector<Directive>& parent = stack_.empty() ? root_ : stack_.back().d.block;
    if (open.empty) {  // keep what a stray block held: more errors get reported
      for (auto& d : open.d.block) parent.push_back(std::move(d));
      return;
    }
    Directive& d = open.d;
    if (d.args.empty()) return;
    d.name = std::move(d.args.front().value);
    d.loc = d.args.front().loc;
    d.args.erase(d.args.begin());
    if (d.end_loc.line == 0) d.end_loc = d.loc;
    if (d.name == "include" && !d.has_block) {
      reader_.include(d, parent);
      return;
    }
    parent.push_back(std::move(d));
  }

  void token(const antlr4::Token* t) {
    if (stack_.empty()) return;
    Open& top = stack_.back();
    size_t type = t->getType();
    if (top.empty) {
      if (!top.reported && (type == NginxLexer::SEMI || type == NginxLexer::LBRACE)) {
        reader_.diags.error(loc_of(t, file_), fmt::format("unexpected \"{}\"", token_char(t)));
        top.reported = true;
      }
      return;
    }
    if (type == NginxLexer::SEMI) {
      top.d.end_loc = loc_of(t, file_);
    } else if (type == NginxLexer::LBRACE) {
      top.d.has_block = true;
      top.d.end_loc = loc_of(t, file_);
    } else if (type != NginxLexer::RBRACE && !top.d.has_block) {
      top.d.args.push_back(reader_.word(t, file_, text_));
    }
  }

 private:
  struct Open {
    Directive d;
    bool empty = false;     // an emptyStatement: ';' or '{' with no directive name
    bool reported = false;
  };
  Reader& reader_;
  FileName file_;
  std::string_view text_;
  std::vector<Open> stack_;
  std::vector<Directive> root_;
};

// A token's text without the whitespace the lexer folded into it. Whitespace escaped
// by a backslash (an odd run of them before it) belongs to the word.
std::string_view token_text(const antlr4::Token* t, std::string_view text) {
  // Offsets are byte offsets (one code point per byte): slice the text, no copy.
  std::string_view raw = text.substr(t->getStartIndex(), t->getStopIndex() - t->getStartIndex() + 1);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!raw.empty() && space(raw.back())) {
    size_t slashes = 0;
    for (size_t i = raw.size() - 1; i > 0 && raw[i - 1] == '\\'; --i) ++slashes;
    if (slashes % 2 == 1) break;
    raw.remove_suffix(1);
  }
  return raw;
}

Arg Reader::word(const antlr4::Token* t, FileName file, std::string_view text) {
  std::string_view raw = token_text(t, text);
  Arg arg;
  arg.loc = loc_of(t, file);
  switch (t->getType()) {
    case NginxLexer::WORD:
      arg.value = unescape(raw);
      break;
    case NginxLexer::DQ_STRING:
    case NginxLexer::SQ_STRING:
      arg.value = unescape(raw.substr(1, raw.size() - 2));
      arg.quoted = true;
      break;
    case NginxLexer::DQ_GLUED:
    case NginxLexer::SQ_GLUED: {
      arg.value = unescape(raw.substr(1, raw.size() - 3));
      arg.quoted = true;
      // The glued character's position: the string may span lines.
      SourceLoc at = arg.loc;
      for (size_t i = 0; i + 1 < raw.size(); ++i) {
        if (raw[i] == '\n') { ++at.line; at.column = 1; } else { ++at.column; }
      }
      diags.error(at, fmt::format("unexpected \"{}\"", raw.back()));
      break;
    }
    default:  // an open string or a lone backslash: the file ended inside a token
      arg.value = std::string(raw);
      diags.error(eof_loc(text, file), "unexpected end of file, expecting \";\" or \"}\"");
      break;
  }
  return arg;
}

void Reader::include(const Directive& d, std::vector<Directive>& out) {
  SourceLoc at = report_loc(d);
  if (d.args.size() != 1) {
    diags.error(at, "invalid number of arguments in \"include\" directive");
    return;
  }
  if (include_depth >= kMaxIncludeDepth) {
    diags.error(at, fmt::format("include of \"{}\" nested more than {} deep (an include cycle?)",
                                d.args[0].value, kMaxIncludeDepth));
    return;
  }
  std::filesystem::path p = d.args[0].value;
  if (p.is_relative()) p = std::filesystem::path(include_base) / p;
  std::string pattern = p.lexically_normal().string();

  std::vector<std::string> files;
  if (pattern.find_first_of("*?[") != std::string::npos) {
    glob_t g{};
    int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    } else if (rc != GLOB_NOMATCH) {
      diags.error(at, fmt::format("glob() \"{}\" failed", pattern));
    }
    ::globfree(&g);  // a glob that matches nothing is fine, as in nginx
  } else {
    files.push_back(pattern);
  }
  for (const auto& f : files) {
    std::string content;
    if (int err = read_file(f, content)) {
      diags.error(at, fmt::format("open() \"{}\" failed ({}: {})", f, err, std::strerror(err)));
      continue;
    }
    ++include_depth;
    auto inner = parse(content, f);
    --include_depth;
    for (auto& x : inner) out.push_back(std::move(x));
  }
}

// Whether the grammar takes `tokens` as directives only: each a run of words ended by
// ';' or by a block, blocks balanced, no ';' or '{' without a name (emptyStatement),
// nothing open at the end. The parser then reports nothing, and its events follow from
// the tokens alone: replay_plain gives them without the parser's per-token cost (about
// a fifth of reading a large file). Anything else goes through the parser.
bool is_plain(const antlr::Tokens& tokens) {
  int depth = 0;
  bool in_directive = false;
  for (const auto& t : tokens) {
    switch (t->getType()) {
      case NginxLexer::SEMI:
        if (!in_directive) return false;
        in_directive = false;
        break;
      case NginxLexer::LBRACE:
        if (!in_directive) return false;
        in_directive = false;
        ++depth;
        break;
      case NginxLexer::RBRACE:
        if (in_directive || depth == 0) return false;
        --depth;
        break;
      case antlr4::Token::EOF: return !in_directive && depth == 0;
      default: in_directive = true; break;  // a word, string or stray backslash
    }
  }
  return false;
}

// The events the parser gives a plain token list: a directive opens at its first word
// and closes at its ';' or at the '}' of its block; every token is visited in order.
void replay_plain(const antlr::Tokens& tokens, TreeBuilder& builder) {
  bool in_directive = false;
  for (const auto& token : tokens) {
    const antlr4::Token* t = token.get();
    switch (t->getType()) {
      case NginxLexer::SEMI:
        builder.token(t);
        builder.close();
        in_directive = false;
        break;
      case NginxLexer::LBRACE:
        builder.token(t);
        in_directive = false;
        break;
      case NginxLexer::RBRACE:
        builder.token(t);
        builder.close();
        break;
      case antlr4::Token::EOF: builder.token(t); break;
      default:
        if (!in_directive) builder.open_directive();
        in_directive = true;
        builder.token(t);
        break;
    }
  }
}

std::vector<Directive> Reader::parse(std::string_view text, const std::string& path) {
  FileName file(path);
  ByteStream input(text, path);
  NginxLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr::Tokens tokens = antlr::use_byte_simulator(lexer, input).all_tokens();

  // Bound the parser's recursion before it starts.
  int depth = 0;
  for (const auto& t : tokens) {
    if (t->getType() == NginxLexer::LBRACE && ++depth > kMaxBlockDepth) {
      diags.error(loc_of(t.get(), file), fmt::format("blocks nested deeper than {} levels", kMaxBlockDepth));
      return {};
    }
    if (t->getType() == NginxLexer::RBRACE && depth > 0) --depth;
  }

  TreeBuilder builder(*this, file, text);
  if (is_plain(tokens)) {
    replay_plain(tokens, builder);
    return builder.take();
  }

  // Anything else takes the parser, with its error recovery, over the text lexed again
  // into a token stream of its own: a rare, small file.
  ByteStream again(text, path);
  NginxLexer relexer(&again);
  relexer.removeErrorListeners();
  antlr::use_byte_simulator(relexer, again);
  antlr4::CommonTokenStream stream(&relexer);
  NginxParser parser(&stream);
  parser.removeErrorListeners();
  SyntaxErrors errors(diags, file, text);
  parser.addErrorListener(&errors);
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setBuildParseTree(false);
  parser.addParseListener(&builder);
  parser.config();
  return builder.take();
}

}  // namespace

std::vector<Directive> parse_text(std::string_view text, const std::string& name,
                                  const ParseOptions& options, Diagnostics& diags) {
  Reader reader{diags, options.include_base};
  return reader.parse(text, name);
}

}  // namespace pg::nginx
