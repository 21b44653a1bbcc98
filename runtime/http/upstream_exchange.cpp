#include "http/upstream_exchange.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/container/small_vector.hpp>

#include "eval/header_ops.h"
#include "http/await.h"
#include "http/fast_io.h"
#include "http/field_list.h"
#include "http/generated.h"
#include "http/message_writer.h"
#include "http/persistence.h"
#include "http/response_parser.h"
#include "http/uri.h"
#include "ir/text.h"

namespace pg::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using ir::iequals;


// The IR's 0 means "no timeout" (Caddy's read and write timeouts are unset by default).
template <class Stream>
void deadline(Stream& s, int64_t ms) {
  if (ms > 0) s.expires_after(std::chrono::milliseconds(ms));
  else s.expires_never();
}


// Whether a field is hop-by-hop (RFC 9110 7.6.1) by its own name.
bool hop_by_hop(http::field name) {
  switch (name) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::transfer_encoding:
    case http::field::upgrade:
      return true;
    default:
      return false;
  }
}

// A field of either received form, as views.
FieldList::Field field_of(const http::fields::value_type& f) {
  return {f.name(), std::string_view(f.name_string().data(), f.name_string().size()),
          std::string_view(f.value().data(), f.value().size())};
}
const FieldList::Field& field_of(const FieldList::Field& f) { return f; }

// The fields a received head passes on: all but the hop-by-hop ones, never forwarded in
// either direction (Connection and the fields it names, and the others by their
// name), and those `skip` refuses. Views: the received head must outlive `to`.
template <class Fields, class Skip>
void forward_fields(const Fields& from, FieldList& to, Skip skip) {
  boost::container::small_vector<std::string_view, 4> named;  // by the Connection fields (keep-alive, close)
  for (const auto& item : from)
    if (const FieldList::Field& f = field_of(item); f.id == http::field::connection)
      for_each_token(f.value, [&](std::string_view t) { named.push_back(t); });
  for (const auto& item : from) {
    const FieldList::Field& f = field_of(item);
    if (hop_by_hop(f.id) || skip(f.id) ||
        std::any_of(named.begin(), named.end(), [&](std::string_view n) { return iequals(n, f.name); }))
      continue;
    to.add(f.id, f.name, f.value);
  }
}

// Whether the request's Connection fields list `token` (case-insensitive).
bool connection_has_token(const http::request_header<>& req, std::string_view token) {
  bool found = false;
  for (auto it = req.find(http::field::connection); it != req.end() && it->name() == http::field::connection; ++it)
    for_each_token(std::string_view(it->value().data(), it->value().size()),
               [&](std::string_view t) { found = found || iequals(t, token); });
  return found;
}

// Moves the fields no `set` operation wrote after those it did (ProxyAction::
// set_headers_first): the set fields were appended in the operations' order.
void client_fields_last(FieldList& f, const std::vector<ir::HeaderOp>& ops) {
  f.move_to_front([&](const FieldList::Field& field) {
    return std::any_of(ops.begin(), ops.end(), [&](const ir::HeaderOp& op) {
      return op.op == ir::HeaderOpKind::set && iequals(op.name, field.name);
    });
  });
}

// The URI the upstream gets (nginx's rules for proxy_pass with and without a URI).
std::string upstream_target(const ir::ProxyAction& a, ir::RequestView& v, const Evaluator& eval, bool rewritten) {
  auto with_query = [&](std::string path) { return v.query.empty() ? path : path + "?" + v.query; };
  switch (a.uri_mode) {
    case ir::UriMode::replace:
      return eval.eval(a.uri, v);
    case ir::UriMode::replace_prefix: {
      std::string rest = v.path.compare(0, a.prefix.size(), a.prefix) == 0 ? v.path.substr(a.prefix.size()) : "";
      return with_query(escape_path(eval.eval(a.uri, v) + rest));
    }
    case ir::UriMode::unchanged:
      break;
  }
  // Unchanged: as the client sent it, unless a rewrite changed it.
  return rewritten ? with_query(escape_path(v.path)) : v.request_uri;
}

// The retry condition a status stands for.
std::optional<ir::RetryOn> retry_status(int status) {
  switch (status) {
    case 500: return ir::RetryOn::http_500;
    case 502: return ir::RetryOn::http_502;
    case 503: return ir::RetryOn::http_503;
    case 504: return ir::RetryOn::http_504;
    case 403: return ir::RetryOn::http_403;
    case 404: return ir::RetryOn::http_404;
    case 429: return ir::RetryOn::http_429;
    default: return std::nullopt;
  }
}

// Copies bytes one way until EOF, an error or `idle` without traffic.
template <class From, class To>
asio::awaitable<void> pump(From& from, To& to, int64_t idle_ms) {
  char buf[16 * 1024];
  for (;;) {
    deadline(from, idle_ms);
    // The socket's own read: a tunnel reads and writes a socket at once, so a read's
    // completion may come late (http/read_readiness.h: the stream's reads assume one
    // operation at a time).
    auto [rec, n] = co_await from.socket().async_read_some(asio::buffer(buf), kAwait);
    if (rec || n == 0) break;
    deadline(to, idle_ms);
    auto [wec, wn] = co_await asio::async_write(to, asio::buffer(buf, n), kAwait);
    (void)wn;
    if (wec) break;
  }
  beast::error_code ignored;
  to.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// 101 Switching Protocols: the upstream's answer goes to the client as is, then bytes
// flow both ways until either side closes or the tunnel sits idle too long.
asio::awaitable<ExchangeResult> tunnel(SweptStream& client, SweptStream& upstream,
                                       beast::flat_buffer& pending, const ResponseParser& upres,
                                       unsigned version, const ir::ProxyAction& a, ExchangeResult out,
                                       Balancer& balancer, const Pick& pick, std::string inserted_cookie) {
  using namespace asio::experimental::awaitable_operators;
  http::response<http::empty_body> res{http::status::switching_protocols, version};
  for (const auto& c : out.set_cookies) res.insert(http::field::set_cookie, c);
  for (const auto& f : upres.fields()) res.insert(f.name, f.value);
  if (!inserted_cookie.empty()) res.insert(http::field::set_cookie, inserted_cookie);  // HAProxy's, after
  res.set(http::field::server, "proxyglot");
  client.expires_after(std::chrono::seconds(60));
  auto [wec, wn] = co_await send_message(client, message_head(res), {});
  (void)wn;
  out.responded = true;
  out.status = 101;
  out.keep_alive = false;
  if (!wec && pending.size() > 0) {  // frames the upstream sent right after its 101
    auto [pec, pn] = co_await asio::async_write(client, pending.data(), kAwait);
    (void)pn;
    wec = pec;
  }
  if (!wec) {
    int64_t idle = a.timeouts.tunnel_ms > 0 ? a.timeouts.tunnel_ms : a.timeouts.read_ms;
    co_await (pump(client, upstream, idle) && pump(upstream, client, idle));
  }
  balancer.finish(pick, false);
  co_return out;
}

}  // namespace

asio::awaitable<ExchangeResult> exchange(SweptStream& client, const http::request_header<>& req,
                                         std::string body, bool keep_alive, const ir::Route& route,
                                         ir::RequestView& view, const Snapshot& snap, WorkerContext& worker,
                                         std::optional<int> status_override, std::vector<std::string> earlier_cookies) {
  ExchangeResult out;
  out.set_cookies = std::move(earlier_cookies);
  const ir::ProxyAction& a = *route.action.proxy;
  const ir::Pool* pool = nullptr;
  if (a.dynamic_target) {
    std::string target = snap.evaluator().eval(*a.dynamic_target, view);
    pool = snap.pool(target);
    view.upstream_host = target;
    if (!pool) {
      std::fprintf(stderr, "proxyglot: proxy target \"%s\" names no pool; resolving host names per request is not "
                   "supported yet\n", target.c_str());
      co_return out;
    }
  } else {
    pool = snap.pool(a.pool);
    view.upstream_host = a.authority;
  }
  if (!pool) co_return out;

  // The request the upstream gets.
  const bool rewritten = view.request_uri != (view.query.empty() ? view.path : view.path + "?" + view.query);
  const std::string target = upstream_target(a, view, snap.evaluator(), rewritten);
  const unsigned up_version = a.protocol == ir::UpstreamProtocol::http1_0 ? 10 : 11;
  const auto method = req.method();
  const bool has_body =
      !body.empty() || find_field(req, http::field::content_length) || find_field(req, http::field::transfer_encoding);
  // What Beast's prepare_payload did: a body's length, and "Content-Length: 0" only for
  // the methods that expect a body.
  const bool says_length = has_body && (!body.empty() || method == http::verb::options ||
                                        method == http::verb::put || method == http::verb::post);
  const std::string body_length = std::to_string(body.size());

  Balancer& balancer = worker.balancer(*pool);
  Attempt attempt = balancer.start();
  PickInput in{view.client_address, snap.evaluator().eval(pool->balancing.key, view)};
  const bool by_cookie = pool->balancing.policy == ir::Balance::cookie;
  const std::string cookie_name = by_cookie ? std::move(in.key) : std::string();
  if (by_cookie) in.key = persistence::request_cookie(view, cookie_name, true).value_or("");
  // HAProxy's persistence cookie: the server whose value the request's cookie holds
  // goes first, when it is available.
  const ir::CookiePersistence* persist = pool->persistence ? &*pool->persistence : nullptr;
  std::optional<size_t> persisted;
  if (persist)
    if (auto value = persistence::request_cookie(view, persist->name, false); value && !value->empty())
      for (size_t i = 0; i < pool->servers.size() && !persisted; ++i)
        if (pool->servers[i].cookie == *value) persisted = i;
  auto retries_on = [&](ir::RetryOn r) { return std::find(a.retry.on.begin(), a.retry.on.end(), r) != a.retry.on.end(); };
  const bool retry_errors = retries_on(ir::RetryOn::error);
  const bool retry_timeouts = retries_on(ir::RetryOn::timeout);
  // Once a request was sent, nginx passes it on again only if its method is
  // idempotent, unless non_idempotent says otherwise.
  const bool resendable = retries_on(ir::RetryOn::non_idempotent) || method == http::verb::get ||
                          method == http::verb::head || method == http::verb::options || method == http::verb::trace ||
                          method == http::verb::put || method == http::verb::delete_;
  auto executor = co_await asio::this_coro::executor;
  int tries = 0;
  const int64_t started = a.retry.timeout_ms ? WorkerContext::now_ms() : 0;
  const bool timed = snap.times_requests();
  // Another attempt is allowed: within max_tries and the retry timeout.
  auto may_retry = [&] {
    return (a.retry.max_tries == 0 || tries < a.retry.max_tries) &&
           (a.retry.timeout_ms == 0 || WorkerContext::now_ms() - started < a.retry.timeout_ms);
  };

  for (;;) {
    if (tries > 0 && a.retry.interval_ms > 0) {  // Caddy's lb_try_interval between two tries
      asio::steady_timer pause(executor, std::chrono::milliseconds(a.retry.interval_ms));
      co_await pause.async_wait(kAwait);
    }
    std::optional<Pick> pick;
    if (persisted && tries == 0) pick = balancer.pick_server(*persisted, attempt);
    const bool kept = pick.has_value();  // the request's persistence cookie chose it
    if (!pick) pick = balancer.pick(in, attempt);
    if (!pick) {  // nothing (left) to try: the last failure says why, else the product's answer
      if (tries == 0) out.status = a.no_server_status;
      co_return out;
    }
    ++tries;
    if (pick->set_cookie) out.set_cookies.push_back(cookie_name + "=" + *pick->set_cookie + "; Path=/");
    const ir::UpstreamServer& server = pool->servers[pick->server];
    out.upstream = snap.server_text(*pool, pick->server);
    auto& outcome = view.outcome;  // what the access log reports of this attempt
    outcome.upstream_pool = pool->name;
    outcome.upstream_name = server.name.empty() ? out.upstream : server.name;
    outcome.upstream_retries = tries - 1;
    outcome.upstream_connect_us = outcome.upstream_header_us = outcome.upstream_response_us = -1;
    const int64_t attempt_start = timed ? WorkerContext::now_us() : 0;
    // The header rules may name the picked server (Caddy's {upstream_hostport}).
    view.upstream_addr = out.upstream;
    // The client's fields, but hop-by-hop ones and Expect: the runtime answers
    // "Expect: 100-continue" itself and has the whole body before it connects (as nginx
    // does): passed on, the backend's interim 100 would be read as its response.
    FieldList up;
    forward_fields(req, up, [](http::field f) { return f == http::field::expect; });
    // An upgrade the route allows goes on to the backend as the client asked for it
    // (HAProxy and Caddy tunnel WebSocket by themselves; nginx configs set the two
    // fields by header operations, which still come after and win).
    if (a.upgrade) {
      if (auto u = req.find(http::field::upgrade); u != req.end() && connection_has_token(req, "upgrade")) {
        up.add(http::field::upgrade, "Upgrade", std::string_view(u->value().data(), u->value().size()));
        up.add(http::field::connection, "Connection", "upgrade");
      }
    }
    if (persist && persist->indirect) {  // the server does not see the persistence cookie
      up.rewrite_values("cookie", [&](std::string_view v) { return persistence::without_cookie(v, persist->name); });
      up.remove_if([](const FieldList::Field& f) { return f.value.empty() && iequals(f.name, "cookie"); });
    }
    apply_header_ops(route.request_headers, up, snap.evaluator(), view);
    if (a.set_headers_first) client_fields_last(up, route.request_headers);
    if (says_length) {
      up.remove(http::field::content_length);
      up.add(http::field::content_length, "Content-Length", body_length);
    }
    // Kept alive unless the request says otherwise (a header operation may).
    const bool up_keep = up_version == 11 ? !up.has_token(http::field::connection, "close")
                                          : up.has_token(http::field::connection, "keep-alive");
    // A kept connection if the pool keeps them (the freshest one still inside its idle
    // timeout), else a new one.
    std::unique_ptr<SweptStream> conn;
    int served = 0;
    auto& idle = worker.idle_upstreams(*pool, pick->server);
    while (!idle.empty() && !conn) {
      auto entry = std::move(idle.back());
      idle.pop_back();
      if (WorkerContext::now_ms() - entry.since_ms < pool->keepalive.idle_timeout_ms && entry.stream->socket().is_open()) {
        conn = std::move(entry.stream);
        served = entry.requests;
      }
    }
    const bool reused = conn != nullptr;
    if (reused) outcome.upstream_connect_us = 0;
    if (!conn) {
      conn = std::make_unique<SweptStream>(SweptSocket(client.get_executor()), worker.upstreams());
      boost::system::error_code cec;
      deadline(*conn, a.timeouts.connect_ms);
      // An IP address needs no resolver (Asio's runs getaddrinfo on a thread of its own).
      if (auto ip = asio::ip::make_address(server.address, cec); !cec) {
        auto [ec] = co_await conn->socket().async_connect(tcp::endpoint(ip, static_cast<unsigned short>(server.port)),
                                                          kAwait);
        cec = ec;
      } else {
        tcp::resolver resolver(executor);
        auto [rec, endpoints] = co_await resolver.async_resolve(server.address, std::to_string(server.port), kAwait);
        cec = rec;
        if (!cec) {
          auto [ec, ep] = co_await asio::async_connect(conn->socket(), endpoints, kAwait);
          (void)ep;
          cec = ec;
        }
      }
      if (cec) {
        // Nothing was sent: the next server may try, as the retry policy says.
        balancer.finish(*pick, true);
        bool timed_out = conn->expired();
        std::fprintf(stderr, "proxyglot: connect to %s failed: %s\n", out.upstream.c_str(), cec.message().c_str());
        out.status = timed_out ? 504 : a.connect_error_status;
        bool allowed = timed_out ? retry_timeouts : retry_errors;
        if (allowed && may_retry()) continue;
        co_return out;
      }
      if (timed) outcome.upstream_connect_us = WorkerContext::now_us() - attempt_start;
      boost::system::error_code ignored;
      conn->socket().set_option(tcp::no_delay(true), ignored);
      conn->socket().non_blocking(true, ignored);  // for http/fast_io.h
    }
    SweptStream& upstream = *conn;

    const int64_t sent_at = pool->failure_latency_ms > 0 ? WorkerContext::now_ms() : 0;
    deadline(upstream, a.timeouts.send_ms);
    MessageWriter request{request_head(req.method_string(), target, up_version, up), false};
    boost::system::error_code wec;
    size_t wn = 0;
    if (!request.send_now(upstream, body, true, wec, wn)) std::tie(wec, wn) = co_await request.rest(upstream);
    beast::flat_buffer ubuf;
    ResponseParser p;
    p.body_limit(boost::none);
    if (req.method() == http::verb::head) p.skip(true);
    boost::system::error_code hec = wec;
    if (!hec) {
      deadline(upstream, a.timeouts.read_ms);
      hec = co_await read_header_fast(upstream, ubuf, p);
    }
    if (hec && reused && (hec == http::error::end_of_stream || hec == asio::error::eof ||
                          hec == asio::error::connection_reset || hec == asio::error::broken_pipe)) {
      // The backend closed a kept connection before we used it: not the server's fault,
      // try again on a fresh connection to the same server.
      balancer.finish(*pick, false);
      if (pick->set_cookie) out.set_cookies.pop_back();  // not a pick the client sees
      attempt.tried_primary.assign(attempt.tried_primary.size(), false);
      attempt.tried_backup.assign(attempt.tried_backup.size(), false);
      --tries;
      continue;
    }
    if (hec) {
      balancer.finish(*pick, true);
      const bool timed_out = upstream.expired();
      out.status = timed_out ? 504 : 502;
      std::fprintf(stderr, "proxyglot: upstream %s: %s\n", out.upstream.c_str(), hec.message().c_str());
      if ((timed_out ? retry_timeouts : retry_errors) && resendable && may_retry()) continue;
      co_return out;
    }

    const ResponseParser& upres = p;
    // HAProxy's persistence cookie for a server the request's cookie did not choose,
    // on the answer (a 101 too), after the server's fields. Named, not a conditional's
    // temporary inside the tunnel's co_await: GCC 12 destroyed that one twice.
    std::string inserted_cookie;
    if (persist && !kept) inserted_cookie = persistence::set_cookie(*persist, server.cookie);
    if (timed) outcome.upstream_header_us = WorkerContext::now_us() - attempt_start;
    {  // in place: std::to_string built a string to move in, for every request
      char digits[8];
      const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, upres.status());
      outcome.upstream_status.assign(digits, ec == std::errc() ? end : digits);
    }
    // proxy_next_upstream http_5xx/403/404/429: another server answers instead, when
    // one is left; the last one's answer is what the client gets.
    if (auto next = retry_status(static_cast<int>(upres.status()));
        next && retries_on(*next) && resendable && may_retry() && balancer.any_left(attempt)) {
      const bool failure = *next != ir::RetryOn::http_403 && *next != ir::RetryOn::http_404;
      balancer.finish(*pick, failure);
      std::fprintf(stderr, "proxyglot: upstream %s answered %d, trying the next server\n", out.upstream.c_str(),
                   static_cast<int>(upres.status()));
      continue;
    }
    // Passive health: statuses and slowness the pool counts as failures.
    const bool unhealthy =
        std::find(pool->failure_statuses.begin(), pool->failure_statuses.end(), static_cast<int>(upres.status())) !=
            pool->failure_statuses.end() ||
        (pool->failure_latency_ms > 0 && WorkerContext::now_ms() - sent_at > pool->failure_latency_ms);
    if (upres.status() == 101 && a.upgrade &&
        std::any_of(view.headers.begin(), view.headers.end(), [](const auto& h) { return iequals(h.first, "upgrade"); })) {
      co_return co_await tunnel(client, upstream, ubuf, upres, req.version(), a, out, balancer, *pick,
                                std::move(inserted_cookie));
    }

    // The client's response: the upstream's status and end-to-end fields, our own
    // Server, the route's response header operations, and a framing we can keep.
    // An error_page target answers with the original error's status unless it says
    // otherwise. The fields are views into the parser's header, which stays as it is
    // while the parser reads the body on (into its own buffer).
    const int upstream_status = static_cast<int>(upres.status());
    const bool upstream_keep = p.keep_alive();
    const bool upstream_length = p.content_length().has_value();
    const int status = status_override.value_or(upstream_status);
    FieldList res;
    for (const auto& c : out.set_cookies) res.add(http::field::set_cookie, "Set-Cookie", c);  // Caddy's go first
    forward_fields(upres.fields(), res, [](http::field f) { return f == http::field::server || f == http::field::date; });
    if (persist)  // HAProxy's insert mode drops the server's own persistence cookie
      res.remove_if([&](const FieldList::Field& f) {
        return f.id == http::field::set_cookie && persistence::sets_cookie(f.value, persist->name);
      });
    apply_response_header_ops(route.response_headers, res, upstream_status, snap.evaluator(), view);
    if (!inserted_cookie.empty()) {
      res.add(http::field::set_cookie, "Set-Cookie", inserted_cookie);
      const auto method_text = req.method_string();
      if (persist->nocache && persistence::cacheable(std::string_view(method_text.data(), method_text.size()),
                                                     upstream_status, upres.fields()))
        res.add(http::field::cache_control, "Cache-control", "private");
    }
    res.add(http::field::server, "Server", "proxyglot");
    res.add(http::field::date, "Date", http_date());
    bool client_keep = keep_alive && (upstream_length || req.version() == 11 || p.is_done());
    bool chunked = false;
    if (!upstream_length && !p.is_done() && req.method() != http::verb::head) {
      if (req.version() == 11) chunked = true;
      else client_keep = false;  // HTTP/1.0: the end of the body is the end of the connection
    }
    if (chunked) res.add(http::field::transfer_encoding, "Transfer-Encoding", "chunked");
    if (!client_keep) {  // said even to HTTP/1.0 clients, as nginx does
      res.remove(http::field::connection);
      res.add(http::field::connection, "Connection", "close");
    } else if (req.version() == 10 && !res.has_token(http::field::connection, "keep-alive")) {
      res.add(http::field::connection, "Connection", "keep-alive");
    }
    // The upstream's reason phrase, unless the status is not the upstream's.
    const std::string_view reason = status_override ? std::string_view() : upres.reason();
    MessageWriter writer{response_head(req.version(), static_cast<unsigned>(status), reason, res), chunked};

    // The header leaves with the first piece of the body: one send, not two. With
    // response buffering off (proxy_buffering off, flush_interval -1) each piece read
    // goes out at once; else up to a full buffer at a time.
    auto lease = worker.body_buffers().lease();
    char* const buf = lease.data();
    constexpr size_t buf_size = BufferPool::kSize;
    bool ok = true;
    bool body_left = !p.is_done() && req.method() != http::verb::head;
    while (ok && body_left) {
      p.lend(buf, buf_size);
      deadline(upstream, a.timeouts.read_ms);
      const bool streamed = !a.buffering.response;
      boost::system::error_code rec2;
      if (!message_buffered(ubuf, p, rec2, streamed)) rec2 = co_await read_fast(upstream, ubuf, p, streamed);
      if (rec2 && rec2 == http::error::need_buffer) rec2 = {};
      if (rec2) {  // the backend closed mid-body or went silent
        std::fprintf(stderr, "proxyglot: upstream %s broke off the body: %s\n", out.upstream.c_str(), rec2.message().c_str());
        balancer.finish(*pick, true);
        if (outcome.bytes_sent == 0) co_return out;  // nothing sent yet: the client gets a 502
        out.responded = true;  // else nothing better to do than close
        out.status = upstream_status;
        out.keep_alive = false;
        co_return out;
      }
      body_left = !p.is_done();
      if (body_left && p.room() == buf_size) continue;  // a chunk header, no data yet
      const std::string_view piece(buf, buf_size - p.room());
      outcome.body_bytes_sent += piece.size();
      client.expires_after(std::chrono::seconds(60));
      boost::system::error_code cw;
      size_t cwn = 0;
      if (!writer.send_now(client, piece, !body_left, cw, cwn)) std::tie(cw, cwn) = co_await writer.rest(client);
      outcome.bytes_sent += cwn;
      if (cw) ok = false;
    }
    if (ok && !writer.done()) {  // no body: the head alone (and a chunked body's end)
      client.expires_after(std::chrono::seconds(60));
      boost::system::error_code fw;
      size_t fwn = 0;
      if (!writer.send_now(client, {}, true, fw, fwn)) std::tie(fw, fwn) = co_await writer.rest(client);
      outcome.bytes_sent += fwn;
      if (fw) ok = false;
    }
    if (timed) outcome.upstream_response_us = WorkerContext::now_us() - attempt_start;
    balancer.finish(*pick, unhealthy);
    // Kept for the next request when both sides allow it and the body was read whole.
    if (pool->keepalive.max_idle > 0 && p.is_done() && upstream_keep && up_keep &&
        (pool->keepalive.max_requests == 0 || served + 1 < pool->keepalive.max_requests)) {
      if (static_cast<int>(idle.size()) >= pool->keepalive.max_idle) idle.pop_front();  // the oldest goes
      idle.push_back({std::move(conn), WorkerContext::now_ms(), served + 1});
    }
    out.responded = true;
    out.status = status;
    out.keep_alive = ok && client_keep;
    co_return out;
  }
}

}  // namespace pg::runtime
