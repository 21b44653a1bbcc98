// The client side of a connection: its socket and one deadline that the worker's
// periodic sweep enforces (ClientList::sweep), instead of a timer armed for every
// read and write. An idle keepalive connection costs this object and its socket.
// Reads and writes as an Asio stream, so Beast's HTTP operations take it.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace pg::runtime {

// A client socket bound to its worker's io_context (40 bytes, where the type-erased
// executor of tcp::socket takes 88): idle connections are many.
using ClientSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

class ClientList;

class ClientStream {
 public:
  using executor_type = ClientSocket::executor_type;

  ClientStream(ClientSocket socket, ClientList& list);
  ~ClientStream();
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  ClientSocket& socket() { return socket_; }

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& b, Token&& token) {
    return socket_.async_read_some(b, std::forward<Token>(token));
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
  friend class ClientList;
  ClientSocket socket_;
  ClientList& list_;
  int64_t at_ms_ = 0;  // 0: no deadline
  bool expired_ = false;
  bool idle_ = false;
  ClientStream* prev_ = nullptr;
  ClientStream* next_ = nullptr;
};

// A worker's client connections, linked through themselves (no allocation per
// connection or request).
class ClientList {
 public:
  // Cancels the operations of every connection whose deadline has passed.
  void sweep(int64_t now_ms);
  // Closes the connections waiting for a request (graceful stop).
  void close_idle();
  int size() const { return size_; }

 private:
  friend class ClientStream;
  void add(ClientStream& c);
  void remove(ClientStream& c);
  ClientStream* head_ = nullptr;
  int size_ = 0;
};

}  // namespace pg::runtime
