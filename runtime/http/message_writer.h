// Sending an HTTP/1.x message: its head laid out once in one buffer, then the body in
// pieces (chunk-framed when the head says Transfer-Encoding: chunked), each send one
// gathered write of head, framing and data. Beast's serializer walks a composed
// buffer view field by field on every write; for a proxied request that walk cost
// more than parsing it. Writes are tried on the non-blocking socket first and wait
// asynchronously only when it would block.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/system/error_code.hpp>

#include "http/field_list.h"
#include "http/swept_stream.h"

namespace pg::runtime {

// The request line or status line, the fields and the blank line, as Beast writes them
// (a response without a reason phrase gets the status's standard one): of a Beast
// response the proxy makes itself, or of a proxied head's field list.
std::string message_head(const boost::beast::http::response_header<>& h);
std::string request_head(std::string_view method, std::string_view target, unsigned version, const FieldList& f);
std::string response_head(unsigned version, unsigned status, std::string_view reason, const FieldList& f);

class MessageWriter {
 public:
  // `head` from one of the above; `chunked`: the body goes out as chunks.
  MessageWriter(std::string head, bool chunked) : head_(std::move(head)), chunked_(chunked) {}

  // Sends the head if it has not gone yet, then `piece` of the body; `last` ends the
  // body (the last chunk when chunked). Returns the bytes written, framing included.
  boost::asio::awaitable<std::tuple<boost::system::error_code, size_t>> send(SweptStream& stream,
                                                                             std::string_view piece, bool last);
  // The same in two steps, so that the usual send costs the caller no coroutine of its
  // own: send_now writes what the socket takes at once and says whether that settled
  // it (all written, or failed: ec); if not, rest() waits to write the remainder, and
  // `piece` must live until it is done. Both report the bytes written so far.
  bool send_now(SweptStream& stream, std::string_view piece, bool last, boost::system::error_code& ec, size_t& sent);
  boost::asio::awaitable<std::tuple<boost::system::error_code, size_t>> rest(SweptStream& stream);
  bool done() const { return done_; }

  using Buffers = std::array<boost::asio::const_buffer, 5>;

 private:
  std::string head_;
  bool chunked_;
  bool head_sent_ = false;
  bool done_ = false;
  // One send's pieces, kept for rest(): head, chunk size line, data, CRLF, last chunk.
  Buffers bufs_;
  size_t first_ = 0, count_ = 0, sent_ = 0;
  char size_line_[24];  // the chunk's size in hex, CRLF
};

// A whole message at once: head and body.
boost::asio::awaitable<std::tuple<boost::system::error_code, size_t>> send_message(SweptStream& stream,
                                                                                   std::string head,
                                                                                   std::string_view body);

}  // namespace pg::runtime
