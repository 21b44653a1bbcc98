// Whether a socket may have bytes to read, as nginx tracks it: a read that got fewer
// bytes than it asked for emptied the socket, and nothing more arrives until the
// reactor's (edge-triggered) epoll reports the socket again.
//
// Asio assumes the opposite: every asynchronous read first tries recv() at once (its
// "speculative" attempt), and only a read of 0 bytes stops that. Right after a request
// went upstream, or a response went to a keepalive client, that attempt is a wasted
// system call that answers EAGAIN: two per proxied request. Asio keeps the flag in the
// reactor's per-descriptor state (epoll_reactor::descriptor_state::try_speculative_),
// which it sets again itself whenever epoll reports the descriptor readable. These
// functions clear and read that flag. The state is private to Asio: it is reached
// through the one way C++ allows (an explicit template instantiation may name private
// members), for the Boost release the project builds with; with any other release
// they do nothing and reads behave as Asio's own.
#pragma once

#include <boost/version.hpp>
#include <boost/asio/ip/tcp.hpp>

#if BOOST_VERSION == 108100 && !defined(BOOST_ASIO_HAS_IOCP) && !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) && \
    defined(BOOST_ASIO_HAS_EPOLL)
#define PG_READ_READINESS 1
#include <boost/asio/detail/epoll_reactor.hpp>
#endif

namespace pg::runtime {

#if PG_READ_READINESS
namespace read_readiness_detail {

using State = boost::asio::detail::epoll_reactor::descriptor_state;
using Speculative = bool (State::*)[boost::asio::detail::epoll_reactor::max_ops];
struct SpeculativeTag {
  using type = Speculative;
  friend type member(SpeculativeTag);
};

// The explicit instantiation below hands out a pointer to a member that access
// control would otherwise refuse.
template <class Tag, typename Tag::type Member>
struct Expose {
  friend typename Tag::type member(Tag) { return Member; }
};

template <class Socket>
struct SocketImpl : Socket {
  // basic_socket::impl_ is protected: a derived class may name it.
  static auto& of(Socket& s) { return s.*(&SocketImpl::impl_); }
};

template struct Expose<SpeculativeTag, &State::try_speculative_>;

template <class Socket>
State* state(Socket& s) {
  return SocketImpl<Socket>::of(s).get_implementation().reactor_data_;
}

}  // namespace read_readiness_detail

// The socket's last read got fewer bytes than asked (or none): it has nothing more for
// now. Only right after that read, before the reactor can report the socket again
// (http/swept_stream.h says where that holds); else readiness that came meanwhile
// would be forgotten and the next read would wait for bytes already there.
template <class Socket>
void mark_drained(Socket& s) {
  if (auto* st = read_readiness_detail::state(s))
    (st->*member(read_readiness_detail::SpeculativeTag{}))[boost::asio::detail::epoll_reactor::read_op] = false;
}

// False when the socket is known to have nothing to read (a read would answer EAGAIN).
template <class Socket>
bool may_be_readable(Socket& s) {
  auto* st = read_readiness_detail::state(s);
  return !st || (st->*member(read_readiness_detail::SpeculativeTag{}))[boost::asio::detail::epoll_reactor::read_op];
}
#else
template <class Socket>
void mark_drained(Socket&) {}
template <class Socket>
bool may_be_readable(Socket&) {
  return true;
}
#endif

}  // namespace pg::runtime
