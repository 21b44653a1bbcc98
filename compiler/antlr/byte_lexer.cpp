#include "antlr/byte_lexer.h"

#include <string_view>

namespace pg::antlr {

using antlr4::Token;
using antlr4::dfa::DFAState;

namespace {

// The token CommonTokenFactory makes, made without the two dynamic casts its
// constructor spends asking the lexer for a line and column it then overwrites.
class ByteToken : public antlr4::CommonToken {
 public:
  ByteToken(const antlr4::Lexer& lexer, size_t stop) : CommonToken(lexer.type) {
    _source = {const_cast<antlr4::Lexer*>(&lexer), lexer._input};
    _channel = lexer.channel;
    _start = lexer.tokenStartCharIndex;
    _stop = stop;
    _line = lexer.tokenStartLine;
    _charPositionInLine = lexer.tokenStartCharPositionInLine;
  }
};

}  // namespace

ByteLexerSimulator::ByteLexerSimulator(antlr4::Lexer* lexer, const antlr4::atn::ATN& atn,
                                       std::vector<antlr4::dfa::DFA>& decision_to_dfa,
                                       antlr4::atn::PredictionContextCache& cache,
                                       ByteStream& stream)
    : LexerATNSimulator(lexer, atn, decision_to_dfa, cache), stream_(stream) {}

DFAState* ByteLexerSimulator::copy_edge(Rows& rows, DFAState* s, size_t t) {
  auto n = static_cast<size_t>(s->stateNumber);  // dense: the shared DFA numbers its states
  if (n >= rows.size()) rows.resize(n + 1);
  if (!rows[n]) rows[n] = std::make_unique<Row>();  // value-initialised: all null
  DFAState*& e = (*rows[n])[t];
  e = LexerATNSimulator::getExistingTargetState(s, t);  // under ANTLR's lock
  return e;
}

// LexerATNSimulator::match without its std::function guard: a ByteStream has no marks
// to release.
size_t ByteLexerSimulator::match(antlr4::CharStream* input, size_t mode) {
  if (input != &stream_) return LexerATNSimulator::match(input, mode);
  _mode = mode;
  _startIndex = stream_.index();
  captureSimState(input, nullptr);  // no accept state yet: what _prevAccept.reset() leaves
  const antlr4::dfa::DFA& dfa = _decisionToDFA[mode];
  return dfa.s0 ? execATN(input, dfa.s0) : matchATN(input);
}

// ANTLR's DFA walk (LexerATNSimulator::execATN) with the position kept in locals: the
// stream, line and column are written back before anything of ANTLR's reads them. The
// last accept state is kept here too and handed to captureSimState once, at the end:
// ANTLR captures it at every character of a word.
size_t ByteLexerSimulator::execATN(antlr4::CharStream* input, DFAState* ds0) {
  if (input != &stream_) return LexerATNSimulator::execATN(input, ds0);
  const std::string_view bytes = stream_.bytes();
  struct Position {
    size_t at, line, column;
  };
  Position now{stream_.index(), _line, _charPositionInLine};
  auto sync = [&](const Position& p) {
    stream_.seek(p.at);
    _line = p.line;
    _charPositionInLine = p.column;
  };
  auto next = [&]() -> size_t {
    return now.at < bytes.size() ? static_cast<unsigned char>(bytes[now.at]) : Token::EOF;
  };
  DFAState* accepted = nullptr;
  Position accepted_at{};

  if (_mode >= rows_.size()) rows_.resize(_mode + 1);
  Rows& rows = rows_[_mode];

  if (ds0->isAcceptState) {  // a zero-length token
    accepted = ds0;
    accepted_at = now;
  }
  size_t t = next();
  DFAState* s = ds0;
  for (;;) {
    DFAState* target = t < kEdges ? edge(rows, s, t) : nullptr;
    if (!target) {
      sync(now);
      target = computeTargetState(input, s, t);
    }
    if (target == ERROR.get()) break;
    if (t != Token::EOF) {  // consume before capturing an accept state, as ANTLR does
      if (t == '\n') {
        ++now.line;
        now.column = 0;
      } else {
        ++now.column;
      }
      ++now.at;
    }
    if (target->isAcceptState) {
      accepted = target;
      accepted_at = now;
      if (t == Token::EOF) break;
    }
    t = next();
    s = target;
  }
  if (accepted) {
    sync(accepted_at);
    captureSimState(input, accepted);
  }
  sync(now);
  return failOrAccept(input, s->configs.get(), t);
}

std::unique_ptr<Token> ByteLexerSimulator::next_token() {
  antlr4::Lexer& lexer = *_recog;
  for (;;) {
    if (lexer.hitEOF) {
      lexer.emitEOF();
      return std::move(lexer.token);
    }
    lexer.token.reset();
    lexer.channel = Token::DEFAULT_CHANNEL;
    lexer.tokenStartCharIndex = stream_.index();
    lexer.tokenStartCharPositionInLine = _charPositionInLine;
    lexer.tokenStartLine = _line;
    lexer.setText("");
    do {
      lexer.type = Token::INVALID_TYPE;
      size_t matched;
      try {
        matched = match(&stream_, lexer.mode);
      } catch (const antlr4::LexerNoViableAltException&) {
        // What Lexer::recover does; the front ends listen to no lexer errors.
        if (stream_.LA(1) != Token::EOF) consume(&stream_);
        matched = antlr4::Lexer::SKIP;
      }
      if (stream_.LA(1) == Token::EOF) lexer.hitEOF = true;
      if (lexer.type == Token::INVALID_TYPE) lexer.type = matched;
    } while (lexer.type == antlr4::Lexer::MORE);
    if (lexer.type == antlr4::Lexer::SKIP) continue;
    // Lexer::emit's token; its text is the input's (no action of ours sets one).
    if (!lexer.token) lexer.emit(std::make_unique<ByteToken>(lexer, stream_.index() - 1));
    return std::move(lexer.token);
  }
}

Tokens ByteLexerSimulator::all_tokens() {
  Tokens tokens;
  do {
    tokens.push_back(next_token());
  } while (tokens.back()->getType() != Token::EOF);
  return tokens;
}

ByteLexerSimulator& use_byte_simulator(antlr4::Lexer& lexer, ByteStream& stream) {
  auto* generated = lexer.getInterpreter<antlr4::atn::LexerATNSimulator>();
  auto* ours = new ByteLexerSimulator(&lexer, lexer.getATN(), generated->_decisionToDFA,
                                      generated->getSharedContextCache(), stream);
  // ANTLR 4.9's setInterpreter deletes the generated simulator; the lexer's destructor
  // deletes ours.
  lexer.setInterpreter(ours);
  return *ours;
}

}  // namespace pg::antlr
