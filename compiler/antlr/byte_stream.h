// An ANTLR character stream over raw bytes, one code point per byte, shared by every
// front end's grammar. Token offsets are then byte offsets (slice the text with
// getStartIndex/getStopIndex), and no byte sequence can make the runtime's UTF-8
// decoder throw (ANTLR 4.9's does on invalid UTF-8: real configs carry Latin-1).
// Only compiler/ sees ANTLR types.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include <antlr4-runtime.h>

namespace pg::antlr {

class ByteStream : public antlr4::ANTLRInputStream {
 public:
  ByteStream(std::string_view bytes, const std::string& source) : bytes_(bytes) {
    _data.resize(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) _data[i] = static_cast<unsigned char>(bytes[i]);
    p = 0;
    name = source;
  }

  std::string getText(const antlr4::misc::Interval& iv) override {
    if (iv.a < 0 || iv.b < iv.a || static_cast<size_t>(iv.a) >= bytes_.size()) return {};
    size_t end = std::min(bytes_.size(), static_cast<size_t>(iv.b) + 1);
    return std::string(bytes_.substr(static_cast<size_t>(iv.a), end - static_cast<size_t>(iv.a)));
  }

 private:
  std::string_view bytes_;  // the caller keeps the text alive while the stream is used
};

}  // namespace pg::antlr
