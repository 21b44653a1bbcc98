#include "health/health_checks.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "http/await.h"
#include "ir/regex.h"
#include "server/run_loop.h"

namespace pg::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// address:port, an IPv6 address in brackets.
std::string host_port(const std::string& address, int port) {
  return address.find(':') != std::string::npos ? fmt::format("[{}]:{}", address, port)
                                                : fmt::format("{}:{}", address, port);
}

std::string server_text(const ir::UpstreamServer& s) {
  return s.name.empty() ? host_port(s.address, s.port) : fmt::format("{} ({})", s.name, host_port(s.address, s.port));
}

// One probe: "" when the server passed, else why not.
asio::awaitable<std::string> probe(const ir::HealthCheck& hc, const ir::UpstreamServer& s,
                                   const std::optional<ir::Regex>& body_regex) {
  auto executor = co_await asio::this_coro::executor;
  const int port = hc.port > 0 ? hc.port : s.port;
  beast::tcp_stream stream(executor);
  stream.expires_after(std::chrono::milliseconds(hc.timeout_ms > 0 ? hc.timeout_ms : 2000));
  tcp::resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(s.address, std::to_string(port), kAwait);
  if (rec) co_return "cannot resolve: " + rec.message();
  auto [cec, ep] = co_await stream.async_connect(endpoints, kAwait);
  (void)ep;
  if (cec) co_return "connection failed: " + cec.message();
  if (hc.connect_only) co_return "";

  http::request<http::empty_body> req;
  req.method_string(hc.method.empty() ? "GET" : hc.method);
  req.target(hc.uri.empty() ? "/" : hc.uri);
  req.version(11);
  bool host_given = false;
  for (const auto& [k, v] : hc.headers) {
    req.insert(k, v);
    host_given = host_given || beast::iequals(k, "host");
  }
  if (!host_given) req.set(http::field::host, host_port(s.address, port));
  req.set(http::field::connection, "close");
  req.set(http::field::user_agent, "proxyglot health check");
  auto [wec, wn] = co_await http::async_write(stream, req, kAwait);
  (void)wn;
  if (wec) co_return "cannot send the check: " + wec.message();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  auto [hec, hn] = co_await http::async_read(stream, buffer, parser, kAwait);
  (void)hn;
  if (hec) co_return "no valid response: " + hec.message();
  const int status = static_cast<int>(parser.get().result_int());
  const bool status_ok = hc.expect_status.empty()
                             ? status >= 200 && status < 400
                             : std::find(hc.expect_status.begin(), hc.expect_status.end(), status) !=
                                   hc.expect_status.end();
  if (!status_ok) co_return fmt::format("status {}", status);
  if (body_regex && !body_regex->matches(parser.get().body())) co_return "body does not match";
  co_return "";
}

asio::awaitable<void> check_server(const ir::Pool& pool, size_t index, std::atomic<bool>& healthy) {
  const ir::HealthCheck& hc = *pool.health_check;
  const ir::UpstreamServer& server = pool.servers[index];
  std::optional<ir::Regex> body_regex;
  if (!hc.expect_body_regex.empty()) body_regex.emplace(hc.expect_body_regex, false);
  asio::steady_timer timer(co_await asio::this_coro::executor);
  int passed = 0, failed = 0;
  for (;;) {
    std::string why = co_await probe(hc, server, body_regex);
    if (why.empty()) {
      failed = 0;
      if (++passed >= std::max(1, hc.rise) && !healthy.load()) {
        healthy.store(true);
        std::fprintf(stderr, "proxyglot: health check: pool %s server %s is UP\n", pool.name.c_str(),
                     server_text(server).c_str());
      }
    } else {
      passed = 0;
      if (++failed >= std::max(1, hc.fall) && healthy.load()) {
        healthy.store(false);
        std::fprintf(stderr, "proxyglot: health check: pool %s server %s is DOWN (%s)\n", pool.name.c_str(),
                     server_text(server).c_str(), why.c_str());
      }
    }
    timer.expires_after(std::chrono::milliseconds(hc.interval_ms > 0 ? hc.interval_ms : 2000));
    auto [ec] = co_await timer.async_wait(kAwait);
    if (ec) co_return;
  }
}

}  // namespace

HealthChecks::HealthChecks(const ir::Config& config) {
  for (const auto& pool : config.pools) {
    if (!pool.health_check || pool.servers.empty()) continue;
    PoolHealth ph;
    ph.pool = &pool;
    ph.healthy = std::make_unique<std::atomic<bool>[]>(pool.servers.size());
    for (size_t i = 0; i < pool.servers.size(); ++i) ph.healthy[i].store(true);
    pools_.emplace(&pool, std::move(ph));
  }
}

HealthChecks::~HealthChecks() { stop(); }

const std::atomic<bool>* HealthChecks::states(const ir::Pool& pool) const {
  auto it = pools_.find(&pool);
  return it == pools_.end() ? nullptr : it->second.healthy.get();
}

void HealthChecks::start() {
  if (pools_.empty()) return;
  for (auto& [pool, ph] : pools_)
    for (size_t i = 0; i < pool->servers.size(); ++i)
      asio::co_spawn(io_, check_server(*pool, i, ph.healthy[i]), asio::detached);
  thread_ = std::thread([this] { run_until_stopped(io_, "health check"); });
}

void HealthChecks::stop() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace pg::runtime
