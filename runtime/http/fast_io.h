// HTTP reads through Beast's parser, with Beast's reading rules (those of
// http::read_some and http::read: parse what is buffered, read when the parser needs
// more, an end of stream after some bytes is the parser's put_eof), written as one
// coroutine that tries the non-blocking socket first and waits only when it would
// block (a SweptStream knows when it would, without a system call:
// http/read_readiness.h). Beast's asynchronous reads are two composed operations
// over the stream's own: each step of each layer goes through a type-erased executor
// and a completion posted or dispatched on its own, which cost a proxied request more
// than parsing its upstream's answer. Writes: http/message_writer.h.
#pragma once

#include <cstddef>
#include <tuple>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/detail/buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

#include "http/await.h"
#include "http/would_block.h"

namespace pg::runtime {

namespace fast_io_detail {

// Reads and parses until `done(parser)`, an error or (with `some`) the first step that
// made progress: Beast's read loop with read_some's step inside.
template <class Stream, class Buffer, class Parser, class Done>
boost::asio::awaitable<boost::system::error_code> read_until(Stream& stream, Buffer& buffer, Parser& parser,
                                                            Done done, bool some) {
  namespace http = boost::beast::http;
  boost::system::error_code ec;
  while (!done(parser)) {
    bool parse = buffer.size() > 0;
    for (;;) {
      if (parse) {
        buffer.consume(parser.put(buffer.data(), ec));
        if (!ec || ec != http::error::need_more) break;  // (no error_code made for success)
        ec = {};
      }
      parse = true;
      // A parser that keeps views into the buffer copies them first (ResponseParser).
      if constexpr (requires { parser.before_read(); }) parser.before_read();
      const size_t size = boost::beast::read_size(buffer, 65536);
      if (size == 0) co_return http::error::buffer_overflow;
      auto space = boost::beast::detail::dynamic_buffer_prepare(buffer, size, ec, http::error::buffer_overflow);
      if (ec) co_return ec;
      size_t n = stream.read_some(*space, ec);
      if (would_block(ec)) {
        auto [aec, an] = co_await stream.async_read_some(*space, kAwait);
        ec = aec;
        n = an;
      }
      buffer.commit(n);
      if (ec && ec == boost::asio::error::eof) {
        if (!parser.got_some()) co_return http::error::end_of_stream;
        ec = {};
        parser.put_eof(ec);  // the end of the stream ends the message, or is an error
        co_return ec;
      }
      if (ec) co_return ec;
    }
    if (ec || some) co_return ec;
  }
  co_return ec;
}

}  // namespace fast_io_detail

// The step before any read, in the caller's own coroutine: parses what the buffer
// holds. True when that settles the read (the parser got as far as the read would
// take it, or failed: ec); false when it needs bytes from the socket (the read then
// goes on from where this left).
template <class Buffer, class Parser, class Done>
bool parse_buffered(Buffer& buffer, Parser& parser, Done done, bool some, boost::system::error_code& ec) {
  ec = {};
  if (done(parser)) return true;
  if (buffer.size() == 0) return false;
  buffer.consume(parser.put(buffer.data(), ec));
  if (ec && ec == boost::beast::http::error::need_more) {
    ec = {};
    return false;
  }
  return ec || some || done(parser);
}

template <class Buffer, class Parser>
bool header_buffered(Buffer& buffer, Parser& parser, boost::system::error_code& ec) {
  return parse_buffered(buffer, parser, [](const Parser& p) { return p.is_header_done(); }, false, ec);
}

template <class Buffer, class Parser>
bool message_buffered(Buffer& buffer, Parser& parser, boost::system::error_code& ec, bool some = false) {
  return parse_buffered(buffer, parser, [](const Parser& p) { return p.is_done(); }, some, ec);
}

// Reads until the parser has the header.
template <class Stream, class Buffer, class Parser>
boost::asio::awaitable<boost::system::error_code> read_header_fast(Stream& stream, Buffer& buffer, Parser& parser) {
  return fast_io_detail::read_until(
      stream, buffer, parser, [](const Parser& p) { return p.is_header_done(); }, false);
}

// Reads until the message is done (or, for a buffer body, its buffer is full:
// need_buffer). some: returns after any progress instead (streaming).
template <class Stream, class Buffer, class Parser>
boost::asio::awaitable<boost::system::error_code> read_fast(Stream& stream, Buffer& buffer, Parser& parser,
                                                           bool some = false) {
  return fast_io_detail::read_until(
      stream, buffer, parser, [](const Parser& p) { return p.is_done(); }, some);
}

}  // namespace pg::runtime
