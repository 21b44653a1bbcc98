#include "http/response_parser.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>


namespace pg::runtime {

namespace http = boost::beast::http;

namespace {

// The byte classes of a plain head: a token character (RFC 9110 tchar, as Beast's
// parser takes a field name), another character a reason or a value may hold
// (printable ASCII, blanks), or neither: CR, LF, other controls, DEL, and obs-text,
// which Beast takes in a value but the own way leaves to it.
enum : unsigned char { kOther = 0, kToken = 1, kText = 2 };

constexpr std::array<unsigned char, 256> kClass = [] {
  std::array<unsigned char, 256> t{};
  t['\t'] = kText;
  for (int c = 0x20; c <= 0x7e; ++c) t[static_cast<size_t>(c)] = kText;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = kToken;
  for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = kToken;
  for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = kToken;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = kToken;
  return t;
}();

unsigned char class_of(char c) { return kClass[static_cast<unsigned char>(c)]; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Whether [p, end) is all kText or kToken (printable ASCII or tabs): eight bytes at a
// time, a word with a byte below 0x20 or above 0x7e looked at byte by byte (tabs).
bool plain_text(const char* p, const char* end) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  for (; end - p >= 8; p += 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    const std::uint64_t below = (x - kOnes * 0x20) & ~x & kHigh;
    const std::uint64_t above = ((x + kOnes) | x) & kHigh;
    if ((below | above) == 0) continue;
    for (int i = 0; i < 8; ++i)
      if (class_of(p[i]) == kOther) return false;
  }
  for (; p < end; ++p)
    if (class_of(*p) == kOther) return false;
  return true;
}

// The CR that ends a line starting at p, if a LF follows it and a byte after that (the
// next line's first) is there to look at.
const char* line_end(const char* p, const char* end) {
  const auto* cr = static_cast<const char*>(std::memchr(p, '\r', static_cast<size_t>(end - p)));
  return cr && end - cr >= 3 && cr[1] == '\n' ? cr : nullptr;
}

// ASCII case-insensitive equality with a lower-case word.
bool is_word(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]) != lower[i]) return false;
  return true;
}

// The head's own way stays well inside Beast's header limit (8 KiB by default).
constexpr size_t kLongestPlainHead = 4096;

// Whether Beast's value views the read buffer: right after the name, its colon and
// blanks. A value Beast unfolded (obs-fold) lives in a buffer of the parser's own,
// only during the call.
bool in_line(std::string_view name, std::string_view value) {
  const char* after = name.data() + name.size();
  const auto from = reinterpret_cast<std::uintptr_t>(after);
  const auto to = reinterpret_cast<std::uintptr_t>(value.data());
  if (to <= from || to - from > 64 * 1024 || *after != ':') return false;
  for (const char* p = after + 1; p != value.data(); ++p)
    if (!is_blank(*p)) return false;
  return true;
}

}  // namespace

size_t ResponseParser::read_plain_head(std::string_view text) {
  const char* const begin = text.data();
  const char* const end = begin + std::min(text.size(), kLongestPlainHead);
  const char* p = begin;
  // Status line: HTTP/1.x SP 3DIGIT SP reason CRLF.
  if (end - p < 13 || std::memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ' ||
      p[12] != ' ')
    return 0;
  for (int i = 9; i < 12; ++i)
    if (p[i] < '0' || p[i] > '9') return 0;
  const int status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  if (status / 100 == 1) return 0;  // interim answers and 101: Beast's
  const unsigned version = p[7] == '1' ? 11 : 10;
  p += 13;
  const char* const reason = p;
  p = line_end(p, end);
  if (!p || !plain_text(reason, p)) return 0;
  const std::string_view reason_text(reason, static_cast<size_t>(p - reason));
  p += 2;

  bool close = false, keep_alive = false;
  boost::optional<std::uint64_t> length;
  fields_.clear();
  for (;;) {
    if (end - p < 2) return 0;
    if (p[0] == '\r') {  // the blank line
      if (p[1] != '\n') return 0;
      p += 2;
      break;
    }
    // name ":" OWS value OWS CRLF, not folded onto the next line
    const char* const name = p;
    while (p < end && class_of(*p) == kToken) ++p;
    if (p == name || p == end || *p != ':') return 0;
    const std::string_view name_text(name, static_cast<size_t>(p - name));
    ++p;
    while (p < end && is_blank(*p)) ++p;
    const char* const value = p;
    p = line_end(p, end);
    if (!p || is_blank(p[2]) || !plain_text(value, p)) return 0;  // a bare CR or LF, an obs-fold
    const char* value_end = p;
    while (value_end > value && is_blank(value_end[-1])) --value_end;
    const std::string_view value_text(value, static_cast<size_t>(value_end - value));
    p += 2;
    const http::field id = field_id(name_text);
    switch (id) {
      case http::field::content_length: {
        if (length || value_text.empty() || value_text.size() > 18) return 0;
        std::uint64_t n = 0;
        for (char c : value_text) {
          if (c < '0' || c > '9') return 0;
          n = n * 10 + static_cast<std::uint64_t>(c - '0');
        }
        length = n;
        break;
      }
      case http::field::connection:
      case http::field::proxy_connection:  // one token
        if (value_text.empty()) return 0;
        for (char c : value_text)
          if (class_of(c) != kToken) return 0;
        close = close || is_word(value_text, "close");
        keep_alive = keep_alive || is_word(value_text, "keep-alive");
        break;
      case http::field::transfer_encoding:
      case http::field::upgrade:
        return 0;
      default:
        break;
    }
    fields_.push_back({id, name_text, value_text.empty() ? std::string_view() : value_text});
  }

  // Beast's framing of a response (basic_parser::finish_header).
  status_ = status;
  version_ = version;
  reason_ = reason_text;
  close_ = close;
  keep_alive_token_ = keep_alive;
  length_ = length;
  if (skip_body_ || status == 204 || status == 304) done_ = true;
  else if (length) done_ = (left_ = *length) == 0;
  else to_eof_ = true;
  return static_cast<size_t>(p - begin);
}

size_t ResponseParser::put(boost::asio::const_buffer buffer, error_code& ec) {
  if (mode_ == Mode::undecided) {
    const std::string_view text(static_cast<const char*>(buffer.data()), buffer.size());
    const size_t head = limited_ ? 0 : read_plain_head(text);
    if (head == 0) {
      fields_.clear();
      mode_ = Mode::beast;
      return Base::put(buffer, ec);
    }
    mode_ = Mode::own;
    ec = {};
    return head;  // the body on the next call, as Beast's parser does
  }
  if (mode_ == Mode::beast) return Base::put(buffer, ec);
  ec = {};
  if (done_) {
    ec = http::error::stale_parser;
    return 0;
  }
  // The body, by length or to the end of the stream, into the lent buffer.
  size_t n = buffer.size();
  if (!to_eof_) n = static_cast<size_t>(std::min<std::uint64_t>(n, left_));
  const size_t used = on_body_impl(string_view(static_cast<const char*>(buffer.data()), n), ec);
  if (!to_eof_) {
    left_ -= used;
    if (!ec && left_ == 0) done_ = true;
  }
  return used;
}

void ResponseParser::put_eof(error_code& ec) {
  if (mode_ != Mode::own) return Base::put_eof(ec);
  ec = {};
  if (to_eof_) done_ = true;
  else if (!done_) ec = http::error::partial_message;
}

bool ResponseParser::keep_alive() const {
  if (mode_ != Mode::own) return Base::keep_alive();
  if (version_ == 11 ? close_ : !keep_alive_token_) return false;
  return !to_eof_;
}

void ResponseParser::on_response_impl(int code, string_view reason, int version, error_code&) {
  status_ = code;
  version_ = static_cast<unsigned>(version);
  reason_ = std::string_view(reason.data(), reason.size());
  reason_kept_ = false;
}

void ResponseParser::on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                                   error_code&) {
  if (is_header_done()) return;  // a trailer: the head went on before it came
  const std::string_view n(name_string.data(), name_string.size());
  std::string_view v(value.data(), value.size());
  if (v.empty()) v = {};
  else if (!in_line(n, v)) v = copy(v);
  fields_.push_back({name, n, v});
}

std::string_view ResponseParser::copy(std::string_view text) {
  if (text.empty()) return {};
  char* at = static_cast<char*>(copies_.allocate(text.size(), 1));
  std::memcpy(at, text.data(), text.size());
  return {at, text.size()};
}

void ResponseParser::before_read() {
  if (is_header_done()) return;
  if (!reason_kept_) {
    reason_ = copy(reason_);
    reason_kept_ = true;
  }
  for (; kept_ < fields_.size(); ++kept_) {
    fields_[kept_].name = copy(fields_[kept_].name);
    fields_[kept_].value = copy(fields_[kept_].value);
  }
}

std::size_t ResponseParser::on_body_impl(string_view body, error_code& ec) {
  const size_t n = std::min(room_, body.size());
  if (n > 0) std::memcpy(data_, body.data(), n);
  data_ += n;
  room_ -= n;
  if (n < body.size()) ec = boost::beast::http::error::need_buffer;
  return n;
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) {
  return on_body_impl(body, ec);
}

}  // namespace pg::runtime
