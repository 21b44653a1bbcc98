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

void append_fields(std::string& out, const http::fields& f) {
  for (const auto& field : f) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
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

}  // namespace

std::string message_head(const http::request_header<>& h) {
  std::string out;
  out.reserve(512);
  out += h.method_string();
  out += ' ';
  out += h.target();
  out += ' ';
  append_version(out, h.version());
  out += "\r\n";
  append_fields(out, h);
  return out;
}

std::string message_head(const http::response_header<>& h) {
  std::string out;
  out.reserve(512);
  append_version(out, h.version());
  const unsigned code = h.result_int();
  out += ' ';
  out += static_cast<char>('0' + code / 100 % 10);
  out += static_cast<char>('0' + code / 10 % 10);
  out += static_cast<char>('0' + code % 10);
  out += ' ';
  out += h.reason().empty() ? http::obsolete_reason(h.result()) : h.reason();
  out += "\r\n";
  append_fields(out, h);
  return out;
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
  Buffers bufs{asio::buffer(head), asio::buffer(body)};
  co_return co_await write_all(stream, bufs, 2);
}

}  // namespace pg::runtime
