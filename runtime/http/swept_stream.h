// A connection's socket with one deadline that the worker's periodic sweep enforces
// (SweptList::sweep), instead of a timer armed for every read and write: the client
// side of every connection and every upstream connection. An idle keepalive
// connection costs this object and its socket. Reads and writes as an Asio stream,
// so Beast's HTTP operations take it.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/read_readiness.h"
#include "http/would_block.h"

namespace pg::runtime {

// A socket bound to its worker's io_context (40 bytes, where the type-erased executor
// of tcp::socket takes 88): idle connections are many.
using SweptSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

class SweptList;

class SweptStream {
 public:
  using executor_type = SweptSocket::executor_type;

  SweptStream(SweptSocket socket, SweptList& list);
  ~SweptStream();
  SweptStream(const SweptStream&) = delete;
  SweptStream& operator=(const SweptStream&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  SweptSocket& socket() { return socket_; }

  // Reads note a short read (the socket is then empty: http/read_readiness.h), and a
  // read from a socket known to be empty answers would_block without a system call,
  // so that a synchronous attempt (http/fast_io.h) costs nothing when it cannot succeed.
  template <class Buffers>
  size_t read_some(const Buffers& b, boost::system::error_code& ec) {
    if (!may_be_readable(socket_)) {
      ec = boost::asio::error::would_block;
      return 0;
    }
    size_t n = socket_.read_some(b, ec);
    if (ec ? would_block(ec) : n < boost::asio::buffer_size(b)) mark_drained(socket_);
    return n;
  }
  template <class Buffers>
  size_t read_some(const Buffers& b) {
    boost::system::error_code ec;
    size_t n = read_some(b, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }
  template <class Buffers, class Token>
  auto async_read_some(const Buffers& b, Token&& token) {
    return boost::asio::async_compose<Token, void(boost::system::error_code, size_t)>(ReadOp<Buffers>{this, b}, token,
                                                                                       socket_);
  }
  template <class Buffers, class Token>
  auto async_write_some(const Buffers& b, Token&& token) {
    return socket_.async_write_some(b, std::forward<Token>(token));
  }

  // The pending operations are cancelled once `d` has passed (within the sweep's
  // period); expired() then says so.
  void expires_after(std::chrono::milliseconds d);
  void expires_never() { at_ms_ = 0; }
  bool expired() const { return expired_; }

  // Waiting for the next request: a graceful stop closes it at once.
  void set_idle(bool idle) { idle_ = idle; }

 private:
  friend class SweptList;
  // An asynchronous read that keeps the readiness flag right. The flag may be cleared
  // only where no epoll report can come between the read and the clearing: right
  // after a read done here, inline, or in a completion the reactor delivers inline
  // (a read queued while the socket was known empty; one read at a time per socket).
  // Asio's own speculative read would deliver its completion later, after the reactor
  // may have seen new bytes arrive: so the first attempt is made here.
  template <class Buffers>
  struct ReadOp {
    SweptStream* stream;
    Buffers buffers;
    bool waiting = false;
    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, size_t n = 0, bool started = false) {
      auto& s = stream->socket_;
      if (!started && !waiting) {
        n = stream->read_some(buffers, ec);  // notes a short read or EAGAIN itself
        if (!would_block(ec)) {
          boost::asio::post(s.get_executor(), [self = std::move(self), ec, n]() mutable { self(ec, n, true); });
          return;
        }
        waiting = true;
        s.async_read_some(buffers, std::move(self));
        return;
      }
      if (waiting && !ec && n < boost::asio::buffer_size(buffers)) mark_drained(s);
      self.complete(ec, n);
    }
  };

  SweptSocket socket_;
  SweptList& list_;
  int64_t at_ms_ = 0;  // 0: no deadline
  bool expired_ = false;
  bool idle_ = false;
  SweptStream* prev_ = nullptr;
  SweptStream* next_ = nullptr;
};

// A worker's connections of one side, linked through themselves (no allocation per
// connection or request).
class SweptList {
 public:
  // Cancels the operations of every connection whose deadline has passed.
  void sweep(int64_t now_ms);
  // Closes the connections waiting for a request (graceful stop).
  void close_idle();
  int size() const { return size_; }

 private:
  friend class SweptStream;
  void add(SweptStream& c);
  void remove(SweptStream& c);
  SweptStream* head_ = nullptr;
  int size_ = 0;
};

}  // namespace pg::runtime
