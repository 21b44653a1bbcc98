// HTTP reads that try the socket synchronously first (it is non-blocking) and fall
// back to Beast's asynchronous operation only when the socket would block (a
// SweptStream knows when it would, without a system call: http/read_readiness.h). A
// parsed header is often already in memory: most requests then cost no composed
// asynchronous operation (each one posts its completion through the scheduler) for
// these steps. Writes: http/message_writer.h.
#pragma once

#include <cstddef>
#include <tuple>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/read.hpp>

#include "http/await.h"

namespace pg::runtime {

// Reads until the parser has the header.
template <class Stream, class Buffer, class Parser>
boost::asio::awaitable<boost::system::error_code> read_header_fast(Stream& stream, Buffer& buffer, Parser& parser) {
  boost::system::error_code ec;
  boost::beast::http::read_header(stream, buffer, parser, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
    auto [aec, an] = co_await boost::beast::http::async_read_header(stream, buffer, parser, kAwait);
    (void)an;
    co_return aec;
  }
  co_return ec;
}

// Reads until the message is done (or, for a buffer body, its buffer is full:
// need_buffer). some: returns after any progress instead (streaming).
template <class Stream, class Buffer, class Parser>
boost::asio::awaitable<boost::system::error_code> read_fast(Stream& stream, Buffer& buffer, Parser& parser,
                                                           bool some = false) {
  boost::system::error_code ec;
  if (some) boost::beast::http::read_some(stream, buffer, parser, ec);
  else boost::beast::http::read(stream, buffer, parser, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
    auto [aec, an] = some ? co_await boost::beast::http::async_read_some(stream, buffer, parser, kAwait)
                          : co_await boost::beast::http::async_read(stream, buffer, parser, kAwait);
    (void)an;
    co_return aec;
  }
  co_return ec;
}

}  // namespace pg::runtime
