#include "http/message_writer.h"

#include <array>
#include <charconv>
#include <span>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

#include "http/await.h"

namespace pg::runtime {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void append_fields(std::string& out, const http::fields& f) {
  for (const auto& field : f) append_field(out, field.name_string(), field.value());
  out += "\r\n";
}

void append_fields(std::string& out, const FieldList& f) {
  for (const auto& field : f.fields()) append_field(out, field.name, field.value);
  out += "\r\n";
}

void append_version(std::string& out, unsigned version) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

using Buffers = std::array<asio::const_buffer, 5>;

// Writes buffers [0, count) whole: at once while the socket takes them, then waiting.
asio::awaitable<std::tuple<boost::system::error_code, size_t>> write_all(SweptStream& stream, Buffers bufs,
                                                                        size_t count) {
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += bufs[i].size();
  size_t first = 0;
  size_t sent = 0;
  while (sent < total) {
    boost::system::error_code ec;
    size_t n = stream.socket().write_some(std::span<const asio::const_buffer>(bufs.data() + first, count - first), ec);
    sent += n;
    while (n > 0) {  // drop what went
      size_t take = std::min(n, bufs[first].size());
      bufs[first] += take;
      n -= take;
      if (bufs[first].size() == 0) ++first;
    }
    if (sent == total) break;
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      auto [aec, an] =
          co_await asio::async_write(stream, std::span<const asio::const_buffer>(bufs.data() + first, count - first),
                                     kAwait);
      co_return std::tuple{aec, sent + an};
    }
    if (ec) co_return std::tuple{ec, sent};
  }
  co_return std::tuple{boost::system::error_code{}, sent};
}

template <class Fields>
std::string request_text(std::string_view method, std::string_view target, unsigned version, const Fields& f) {
  std::string out;
  out.reserve(512);
  out += method;
  out += ' ';
  out += target;
  out += ' ';
  append_version(out, version);
  out += "\r\n";
  append_fields(out, f);
  return out;
}

template <class Fields>
std::string response_text(unsigned version, unsigned code, std::string_view reason, const Fields& f) {
  std::string out;
  out.reserve(512);
  append_version(out, version);
  out += ' ';
  out += static_cast<char>('0' + code / 100 % 10);
  out += static_cast<char>('0' + code / 10 % 10);
  out += static_cast<char>('0' + code % 10);
  out += ' ';
  out += reason.empty() ? std::string_view(http::obsolete_reason(static_cast<http::status>(code))) : reason;
  out += "\r\n";
  append_fields(out, f);
  return out;
}

}  // namespace

std::string message_head(const http::response_header<>& h) {
  return response_text(h.version(), h.result_int(), h.reason(), h);
}

std::string request_head(std::string_view method, std::string_view target, unsigned version, const FieldList& f) {
  return request_text(method, target, version, f);
}

std::string response_head(unsigned version, unsigned status, std::string_view reason, const FieldList& f) {
  return response_text(version, status, reason, f);
}

asio::awaitable<std::tuple<boost::system::error_code, size_t>> MessageWriter::send(SweptStream& stream,
                                                                                  std::string_view piece, bool last) {
  Buffers bufs;
  size_t count = 0;
  if (!head_sent_) bufs[count++] = asio::buffer(head_);
  char size_line[24];  // the chunk's size in hex, CRLF
  static constexpr std::string_view kCrlf = "\r\n";
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  if (chunked_ && !piece.empty()) {
    auto end = std::to_chars(size_line, size_line + 16, piece.size(), 16).ptr;
    *end++ = '\r';
    *end++ = '\n';
    bufs[count++] = asio::buffer(size_line, static_cast<size_t>(end - size_line));
    bufs[count++] = asio::buffer(piece);
    bufs[count++] = asio::buffer(kCrlf);
  } else if (!piece.empty()) {
    bufs[count++] = asio::buffer(piece);
  }
  if (chunked_ && last) bufs[count++] = asio::buffer(kLastChunk);
  head_sent_ = true;
  done_ = last;
  co_return co_await write_all(stream, bufs, count);
}

asio::awaitable<std::tuple<boost::system::error_code, size_t>> send_message(SweptStream& stream, std::string head,
                                                                           std::string_view body) {
  MessageWriter writer{std::move(head), false};
  co_return co_await writer.send(stream, body, true);
}

}  // namespace pg::runtime
