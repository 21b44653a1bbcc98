// A faster way for the generated lexers to read a ByteStream.
//
// ANTLR 4.9's LexerATNSimulator looks up every character's DFA edge in a hash map
// under a process-wide reader/writer lock (a mutex and a condition variable: ~30% of
// a front end's time on a large file), moves through the input with four virtual
// calls per character, and Lexer::nextToken adds dynamic casts and std::function
// guards per token. This simulator keeps its own copy of the edges it has used, one
// flat row of 128 per DFA state (ANTLR keeps no edge above 127 either), reads the
// bytes of the ByteStream directly, and gives tokens as Lexer::nextToken does, without
// the casts. The shared DFA stays the only place that decides anything: an edge is
// copied from it, under its lock, the first time this lexer needs it; ANTLR never
// changes an edge once set and never frees a state while the grammar's static DFA
// lives, so the copy cannot go stale and needs no lock. Whatever the shared DFA does
// not know (new edges, bytes above 127, predicates, EOF) still goes through ANTLR's own
// code, with the stream, line and column synchronised first.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include <antlr4-runtime.h>

#include "antlr/byte_stream.h"

namespace pg::antlr {

using Tokens = std::vector<std::unique_ptr<antlr4::Token>>;

class ByteLexerSimulator : public antlr4::atn::LexerATNSimulator {
 public:
  ByteLexerSimulator(antlr4::Lexer* lexer, const antlr4::atn::ATN& atn,
                     std::vector<antlr4::dfa::DFA>& decision_to_dfa,
                     antlr4::atn::PredictionContextCache& cache, ByteStream& stream);

  // The lexer's next token, as Lexer::nextToken gives it, without its three dynamic
  // casts and two std::function guards per token (a tenth of reading a large file).
  std::unique_ptr<antlr4::Token> next_token();
  // Every token to the end, the EOF token last.
  Tokens all_tokens();

  size_t match(antlr4::CharStream* input, size_t mode) override;

 protected:
  size_t execATN(antlr4::CharStream* input, antlr4::dfa::DFAState* ds0) override;

 private:
  static constexpr size_t kEdges = MAX_DFA_EDGE + 1;
  using Row = std::array<antlr4::dfa::DFAState*, kEdges>;
  using Rows = std::vector<std::unique_ptr<Row>>;  // by DFA state number

  // The shared DFA's edge from `s` on byte `t` (< kEdges), or null when it has none yet.
  antlr4::dfa::DFAState* edge(Rows& rows, antlr4::dfa::DFAState* s, size_t t) {
    auto n = static_cast<size_t>(s->stateNumber);
    if (n < rows.size() && rows[n]) {
      if (antlr4::dfa::DFAState* e = (*rows[n])[t]) return e;
    }
    return copy_edge(rows, s, t);
  }
  antlr4::dfa::DFAState* copy_edge(Rows& rows, antlr4::dfa::DFAState* s, size_t t);

  ByteStream& stream_;
  std::vector<Rows> rows_;  // by mode: DFA states are numbered per mode
};

// Makes `lexer`, reading `stream`, use a ByteLexerSimulator (the lexer owns it).
ByteLexerSimulator& use_byte_simulator(antlr4::Lexer& lexer, ByteStream& stream);

}  // namespace pg::antlr
