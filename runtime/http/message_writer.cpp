#include "http/message_writer.h"

#include <array>
#include <charconv>
#include <cstring>
#include <span>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

#include "http/await.h"
#include "http/would_block.h"

namespace pg::runtime {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// A head is laid out in one pass over memory sized beforehand: appending piece by
// piece checked the capacity and called memcpy four times per field.
class HeadText {
 public:
  explicit HeadText(size_t size) { text_.resize(size); at_ = text_.data(); }
  HeadText& operator<<(std::string_view piece) {
    std::memcpy(at_, piece.data(), piece.size());
    at_ += piece.size();
    return *this;
  }
  // A literal's size is known here: copied inline, without a call (several per field).
  template <size_t N>
  HeadText& operator<<(const char (&literal)[N]) {
    std::memcpy(at_, literal, N - 1);
    at_ += N - 1;
    return *this;
  }
  HeadText& operator<<(char c) {
    *at_++ = c;
    return *this;
  }
  std::string done() { return std::move(text_); }

 private:
  std::string text_;
  char* at_;
};

std::string_view name_of(const http::fields::value_type& f) { return {f.name_string().data(), f.name_string().size()}; }
std::string_view value_of(const http::fields::value_type& f) { return {f.value().data(), f.value().size()}; }
std::string_view name_of(const FieldList::Field& f) { return f.name; }
std::string_view value_of(const FieldList::Field& f) { return f.value; }

template <class Fields>
size_t fields_size(const Fields& fields) {
  size_t n = 2;  // the blank line
  for (const auto& f : fields) n += name_of(f).size() + value_of(f).size() + 4;
  return n;
}

template <class Fields>
void put_fields(HeadText& out, const Fields& fields) {
  for (const auto& f : fields) out << name_of(f) << ": " << value_of(f) << "\r\n";
  out << "\r\n";
}

constexpr size_t kVersionSize = 8;  // HTTP/1.1

void put_version(HeadText& out, unsigned version) {
  out << "HTTP/" << static_cast<char>('0' + version / 10) << '.' << static_cast<char>('0' + version % 10);
}

// Writes buffers [first, count) while the socket takes them, dropping what went:
// the bytes written; ec is would_block when the rest has to wait. A plain function
// (the usual case needs no waiting), where a coroutine cost a frame and a resumption.
size_t write_now(SweptStream& stream, MessageWriter::Buffers& bufs, size_t& first, size_t count, boost::system::error_code& ec) {
  size_t total = 0;
  for (size_t i = first; i < count; ++i) total += bufs[i].size();
  size_t sent = 0;
  while (sent < total) {
    size_t n = stream.socket().write_some(std::span<const asio::const_buffer>(bufs.data() + first, count - first), ec);
    sent += n;
    while (n > 0) {  // drop what went
      size_t take = std::min(n, bufs[first].size());
      bufs[first] += take;
      n -= take;
      if (bufs[first].size() == 0) ++first;
    }
    if (ec) break;
  }
  if (sent == total) ec = {};
  return sent;
}

template <class Fields>
std::string request_text(std::string_view method, std::string_view target, unsigned version, const Fields& f) {
  HeadText out(method.size() + target.size() + kVersionSize + 4 + fields_size(f));
  out << method << ' ' << target << ' ';
  put_version(out, version);
  out << "\r\n";
  put_fields(out, f);
  return out.done();
}

template <class Fields>
std::string response_text(unsigned version, unsigned code, std::string_view reason, const Fields& f) {
  if (reason.empty()) reason = http::obsolete_reason(static_cast<http::status>(code));
  HeadText out(kVersionSize + 5 + reason.size() + 2 + fields_size(f));
  put_version(out, version);
  out << ' ' << static_cast<char>('0' + code / 100 % 10) << static_cast<char>('0' + code / 10 % 10)
      << static_cast<char>('0' + code % 10) << ' ' << reason << "\r\n";
  put_fields(out, f);
  return out.done();
}

}  // namespace

std::string message_head(const http::response_header<>& h) {
  return response_text(h.version(), h.result_int(), std::string_view(h.reason().data(), h.reason().size()), h);
}

std::string request_head(std::string_view method, std::string_view target, unsigned version, const FieldList& f) {
  return request_text(method, target, version, f.fields());
}

std::string response_head(unsigned version, unsigned status, std::string_view reason, const FieldList& f) {
  return response_text(version, status, reason, f.fields());
}

bool MessageWriter::send_now(SweptStream& stream, std::string_view piece, bool last, boost::system::error_code& ec,
                             size_t& sent) {
  count_ = first_ = 0;
  if (!head_sent_) bufs_[count_++] = asio::buffer(head_);
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  if (chunked_ && !piece.empty()) {
    auto end = std::to_chars(size_line_, size_line_ + 16, piece.size(), 16).ptr;
    *end++ = '\r';
    *end++ = '\n';
    bufs_[count_++] = asio::buffer(size_line_, static_cast<size_t>(end - size_line_));
    bufs_[count_++] = asio::buffer(piece);
    bufs_[count_++] = asio::buffer(kCrlf);
  } else if (!piece.empty()) {
    bufs_[count_++] = asio::buffer(piece);
  }
  if (chunked_ && last) bufs_[count_++] = asio::buffer(kLastChunk);
  head_sent_ = true;
  done_ = last;
  sent = sent_ = write_now(stream, bufs_, first_, count_, ec);
  return !would_block(ec);
}

asio::awaitable<std::tuple<boost::system::error_code, size_t>> MessageWriter::rest(SweptStream& stream) {
  auto [ec, n] =
      co_await asio::async_write(stream, std::span<const asio::const_buffer>(bufs_.data() + first_, count_ - first_), kAwait);
  co_return std::tuple{ec, sent_ + n};
}

asio::awaitable<std::tuple<boost::system::error_code, size_t>> MessageWriter::send(SweptStream& stream,
                                                                                  std::string_view piece, bool last) {
  boost::system::error_code ec;
  size_t sent = 0;
  if (send_now(stream, piece, last, ec, sent)) co_return std::tuple{ec, sent};
  co_return co_await rest(stream);
}

asio::awaitable<std::tuple<boost::system::error_code, size_t>> send_message(SweptStream& stream, std::string head,
                                                                           std::string_view body) {
  MessageWriter writer{std::move(head), false};
  co_return co_await writer.send(stream, body, true);
}

}  // namespace pg::runtime
