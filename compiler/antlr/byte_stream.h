// An ANTLR character stream over raw bytes, one code point per byte, shared by every
// front end's grammar. Token offsets are then byte offsets (slice the text with
// getStartIndex/getStopIndex), and no byte sequence can make the runtime's UTF-8
// decoder throw (ANTLR 4.9's ANTLRInputStream does on invalid UTF-8: real configs carry
// Latin-1). The bytes are read in place: ANTLRInputStream would hold a UTF-32 copy,
// four times the file. Only compiler/ sees ANTLR types.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include <antlr4-runtime.h>

namespace pg::antlr {

class ByteStream : public antlr4::CharStream {
 public:
  // The caller keeps `bytes` alive while the stream is used.
  ByteStream(std::string_view bytes, const std::string& source) : bytes_(bytes), name_(source) {}

  std::string_view bytes() const { return bytes_; }

  void consume() override {
    if (p_ >= bytes_.size()) throw antlr4::IllegalStateException("cannot consume EOF");
    ++p_;
  }

  // LA(1) is the next byte, LA(-1) the one before it; past either end, EOF.
  size_t LA(ssize_t i) override {
    if (i == 0) return 0;  // undefined, as in ANTLRInputStream
    ssize_t at = static_cast<ssize_t>(p_) + (i > 0 ? i - 1 : i);
    if (at < 0 || static_cast<size_t>(at) >= bytes_.size()) return antlr4::IntStream::EOF;
    return static_cast<unsigned char>(bytes_[static_cast<size_t>(at)]);
  }

  ssize_t mark() override { return -1; }  // the whole text is always there
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  // Moving needs no work: line and column are the lexer's, not the stream's.
  void seek(size_t index) override { p_ = std::min(index, bytes_.size()); }
  size_t size() override { return bytes_.size(); }

  std::string getSourceName() const override {
    return name_.empty() ? antlr4::IntStream::UNKNOWN_SOURCE_NAME : name_;
  }

  std::string getText(const antlr4::misc::Interval& iv) override {
    if (iv.a < 0 || iv.b < iv.a || static_cast<size_t>(iv.a) >= bytes_.size()) return {};
    size_t end = std::min(bytes_.size(), static_cast<size_t>(iv.b) + 1);
    return std::string(bytes_.substr(static_cast<size_t>(iv.a), end - static_cast<size_t>(iv.a)));
  }

  std::string toString() const override { return std::string(bytes_); }

 private:
  std::string_view bytes_;
  std::string name_;
  size_t p_ = 0;
};

}  // namespace pg::antlr
