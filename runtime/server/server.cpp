#include "server/server.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>

#include "http/session.h"
#include "server/run_loop.h"
#include "server/worker_context.h"

namespace pg::runtime {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Server::Worker {
  // One thread runs it: no locking for socket operations (a stop posted from another
  // worker's thread still locks the scheduler).
  asio::io_context io{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<int> listener_of;  // per acceptor
  std::unique_ptr<WorkerContext> context;
  std::thread thread;
};

namespace {

std::string endpoint_text(const tcp::endpoint& e) {
  return e.address().is_v6() ? fmt::format("[{}]:{}", e.address().to_string(), e.port())
                             : fmt::format("{}:{}", e.address().to_string(), e.port());
}

tcp::endpoint parse_endpoint(const std::string& text) {
  std::string host = text, port = "0";
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    host = text.substr(1, close - 1);
    if (close + 1 < text.size() && text[close + 1] == ':') port = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot bind \"{}\": not an IP address", text));
  return tcp::endpoint(addr, static_cast<unsigned short>(std::stoi(port)));
}

// Enforces the connections' deadlines, ten times a second.
asio::awaitable<void> sweep(asio::io_context& io, WorkerContext& ctx) {
  asio::steady_timer tick(io);
  for (;;) {
    tick.expires_after(std::chrono::milliseconds(100));
    auto [ec] = co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    const int64_t now = WorkerContext::now_ms();
    ctx.clients().sweep(now);
    ctx.upstreams().sweep(now);
  }
}

asio::awaitable<void> accept_loop(asio::io_context& io, tcp::acceptor& acceptor, int listener,
                                  std::shared_ptr<const Snapshot> snap, WorkerContext& ctx) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(io.get_executor(), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      continue;  // EMFILE and friends: keep serving the connections we have
    }
    // worker_connections: past it, nginx says "worker_connections are not enough" and
    // drops the connection.
    if (ctx.active() >= ctx.connection_limit()) {
      std::fprintf(stderr, "proxyglot: %d worker connections are not enough\n", ctx.connection_limit());
      socket.close(ec);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    start_connection(std::move(socket), listener, snap, ctx);
  }
}

}  // namespace

Server::Server(std::shared_ptr<const Snapshot> snapshot, RunOptions options)
    : snapshot_(std::move(snapshot)), options_(std::move(options)) {
  health_ = std::make_unique<HealthChecks>(snapshot_->config());
  int n = options_.threads;
  if (n <= 0 && snapshot_->config().globals.worker_threads) n = *snapshot_->config().globals.worker_threads;
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->context = std::make_unique<WorkerContext>(i, stopping_);
    w->context->set_connection_limit(snapshot_->config().globals.worker_connections);
    w->context->set_health(health_.get());
    workers_.push_back(std::move(w));
  }
}

Server::~Server() {
  stop();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

std::vector<BoundListener> Server::bind() {
  std::vector<BoundListener> out;
  const auto& listeners = snapshot_->config().listeners;
  for (size_t li = 0; li < listeners.size(); ++li) {
    const auto& l = listeners[li];
    std::string configured = l.address.find(':') != std::string::npos && l.address.rfind("unix:", 0) != 0
                                 ? fmt::format("[{}]:{}", l.address, l.port)
                                 : fmt::format("{}:{}", l.address, l.port);
    // check_support() refused what cannot be served; an address that is no IP fails below.
    auto it = options_.binds.find(configured);
    tcp::endpoint ep = parse_endpoint(it != options_.binds.end() ? it->second : configured);
    // Every worker binds the same port; with port 0 the first one picks it.
    for (auto& w : workers_) {
      auto acceptor = std::make_unique<tcp::acceptor>(w->io);
      boost::system::error_code ec;
      acceptor->open(ep.protocol(), ec);
      if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) {
        int one = 1;
        ::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (ep.address().is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
      }
      if (!ec) acceptor->bind(ep, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) throw std::runtime_error(fmt::format("cannot listen on {}: {}", endpoint_text(ep), ec.message()));
      ep = acceptor->local_endpoint();
      w->acceptors.push_back(std::move(acceptor));
      w->listener_of.push_back(static_cast<int>(li));
    }
    out.push_back({static_cast<int>(li), configured, endpoint_text(ep)});
  }
  return out;
}

void Server::run(const sigset_t& signals, const std::function<void(int)>& on_signal) {
  // The signals as a descriptor the first worker's loop reads: no handler interrupts
  // a system call, and no thread waits for them alone.
  const int fd = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("signalfd: {}", std::strerror(errno)));
  Worker& first = *workers_.front();
  asio::posix::stream_descriptor signal_fd(first.io, fd);
  // The first signal stops gracefully (stop()); another one stops every worker at once.
  std::function<void()> wait_for_signal = [&] {
    signal_fd.async_wait(asio::posix::stream_descriptor::wait_read, [&](boost::system::error_code ec) {
      if (ec) return;
      signalfd_siginfo info{};
      while (::read(fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (stopping_) {
          for (auto& w : workers_) w->io.stop();
          return;
        }
        try {
          on_signal(static_cast<int>(info.ssi_signo));
        } catch (const std::exception&) {  // a closed stderr, say: the stop matters more
        }
        stop();
      }
      wait_for_signal();
    });
  };
  wait_for_signal();
  health_->start();
  for (auto& w : workers_) {
    for (size_t i = 0; i < w->acceptors.size(); ++i)
      asio::co_spawn(w->io, accept_loop(w->io, *w->acceptors[i], w->listener_of[i], snapshot_, *w->context), asio::detached);
    asio::co_spawn(w->io, sweep(w->io, *w->context), asio::detached);
    if (w != workers_.front()) w->thread = std::thread([&io = w->io] { run_until_stopped(io, "worker"); });
  }
  run_until_stopped(first.io, "worker");
  // The first worker may be done while others still drain: its loop goes on reading
  // signals (a second one stops them at once) until they are done too.
  std::thread joiner([&] {
    for (auto& w : workers_)
      if (w->thread.joinable()) w->thread.join();
    asio::post(first.io, [&first] { first.io.stop(); });
  });
  first.io.restart();
  run_until_stopped(first.io, "worker");
  joiner.join();
}

namespace {

// After a stop: wait for the connections still serving a request, closing idle ones
// as they become idle, then stop the worker; the deadline stops it regardless.
asio::awaitable<void> drain(asio::io_context& io, WorkerContext& ctx, int64_t timeout_ms) {
  asio::steady_timer tick(io);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (ctx.active() > 0 && std::chrono::steady_clock::now() < deadline) {
    ctx.close_idle();
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(asio::use_awaitable);
  }
  io.stop();
}

}  // namespace

void Server::stop() {
  if (stopping_.exchange(true)) return;
  health_->stop();
  for (auto& w : workers_) {
    asio::post(w->io, [&w = *w, timeout = options_.shutdown_timeout_ms] {
      boost::system::error_code ignored;
      for (auto& a : w.acceptors) a->close(ignored);
      w.context->close_idle();
      asio::co_spawn(w.io, drain(w.io, *w.context, timeout), asio::detached);
    });
  }
}

}  // namespace pg::runtime
