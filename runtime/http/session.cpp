#include "http/session.h"

#include <algorithm>
#include <charconv>
#include <atomic>
#include <cstdio>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "eval/header_ops.h"
#include "http/await.h"
#include "http/crlf.h"
#include "http/fast_io.h"
#include "http/field_list.h"
#include "server/clock.h"
#include "http/generated.h"
#include "http/message_writer.h"
#include "http/real_ip.h"
#include "http/upstream_exchange.h"
#include "http/uri.h"
#include "ir/route_select.h"
#include "ir/text.h"

namespace pg::runtime {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// nginx: client_header_timeout 60s.
constexpr auto kHeaderTimeout = std::chrono::seconds(60);
// A connection idle this long after a response is parked without its buffer (a
// keepalive client under load sends its next request well within it).
constexpr auto kHotWait = std::chrono::milliseconds(100);
constexpr size_t kReadSize = 8192;
// The first read of the next request on a kept connection: most requests fit (nginx
// starts with client_header_buffer_size 1k), and many idle connections stay small.
constexpr size_t kFirstReadSize = 2048;
// nginx gives up with a 500 after ten internal redirections.
constexpr int kMaxReselections = 10;
// What the access log keeps of an overlong request line.
constexpr size_t kLoggedRequestLine = 8 * 1024;
// Beast keeps a field's length in 16 bits and throws beyond it: a longer line is
// refused before the parser sees it.
constexpr size_t kLongestLine = 65535 - 2;

struct Reply {
  int status = 200;
  HeaderList headers;
  std::string body;
  std::string content_type = "text/html";
};

std::string header_value(const http::request_header<>& req, http::field name) {
  const auto* f = find_field(req, name);
  return f ? std::string(f->value()) : std::string();
}

// What every request on a connection shares, kept small: idle connections hold it.
struct ConnectionInfo {
  tcp::endpoint remote, local;
  bool tls = false;
  uint64_t serial = 0;
};

ConnectionInfo connection_info(const SweptSocket& socket, const Snapshot& snap, int listener) {
  static std::atomic<uint64_t> serial{0};
  boost::system::error_code ec;
  return {socket.remote_endpoint(ec), socket.local_endpoint(ec),
          snap.config().listeners[static_cast<size_t>(listener)].tls, ++serial};
}

// An address as text; IPv4 without inet_ntop's sprintf.
std::string address_text(const asio::ip::address& a) {
  if (!a.is_v4()) return a.to_string();
  auto b = a.to_v4().to_bytes();
  std::string out;
  for (size_t i = 0; i < 4; ++i) {
    if (i) out += '.';
    char digits[4];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, static_cast<unsigned>(b[i])).ptr);
  }
  return out;
}

// An address's text as the thread last made it: requests on a thread mostly come
// from the same few clients to the same listener, and this runs for every request.
struct AddressText {
  asio::ip::address address;
  std::string text;
};

const std::string& text_of(const asio::ip::address& a, AddressText& last) {
  if (last.text.empty() || last.address != a) {
    last.address = a;
    last.text = address_text(a);
  }
  return last.text;
}

thread_local AddressText last_client, last_server;

std::string port_text(unsigned short port) {
  char out[8];
  return std::string(out, std::to_chars(out, out + sizeof out, port).ptr);
}

// A request's view as the connection starts it: the addresses, the scheme, its serial.
ir::RequestView request_view(const ConnectionInfo& c) {
  ir::RequestView v;
  if (c.tls) v.scheme = "https";
  v.client_address = text_of(c.remote.address(), last_client);
  v.client_port = port_text(c.remote.port());
  v.server_address = text_of(c.local.address(), last_server);
  v.server_port = port_text(c.local.port());
  v.outcome.connection_id = c.serial;
  return v;
}

// The client's request, as matchers and templates read it; false for a target that
// is no URI.
bool read_request(ir::RequestView& v, const http::request_header<>& req, std::string_view host) {
  auto target = parse_target(std::string_view(req.target().data(), req.target().size()));
  if (!target) return false;
  v.method = std::string(req.method_string());
  v.path = std::move(target->path);
  v.query = std::move(target->query);
  v.request_uri = std::string(req.target());
  v.protocol = req.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
  v.host = ir::HostSelector::normalize_host(host);
  for (const auto& f : req) v.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return true;
}



// The body of an answer the proxy generates: the product's page for the status, else
// the runtime's own (or none, for products that send none).
std::string page_for(const ir::GeneratedResponses& g, int status) {
  for (const auto& p : g.pages)
    if (p.status == status) return p.body;
  return g.listed_pages_only ? std::string() : status_page(status);
}

Reply status_reply(const ir::GeneratedResponses& g, int status) {
  Reply r;
  r.status = status;
  if (status >= 300 && status != 304 && status != 444) r.body = page_for(g, status);
  return r;
}

// A relative Location becomes absolute, as nginx's absolute_redirect does (when the
// product does so: GeneratedResponses::absolute_redirects).
std::string absolute(const std::string& location, const ir::RequestView& v) {
  if (location.empty() || location.front() != '/') return location;
  std::string host = !v.host.empty() ? v.host : v.server_name;
  bool default_port = (v.scheme == "http" && v.server_port == "80") || (v.scheme == "https" && v.server_port == "443");
  return fmt::format("{}://{}{}{}", v.scheme, host, default_port ? "" : ":" + v.server_port, location);
}

Reply redirect_reply(const ir::GeneratedResponses& g, int status, const std::string& location,
                     const ir::RequestView& v) {
  Reply r = status_reply(g, status);
  if (!g.redirect_body) r.body.clear();
  r.headers.emplace_back("Location", g.absolute_redirects ? absolute(location, v) : location);
  return r;
}

// The raw header block, checked before the parser sees it: what nginx and HAProxy
// refuse and a lenient parser would fold or pass on (request smuggling material).
bool header_block_ok(std::string_view block) {
  size_t line_start = find_crlf(block, 0);
  if (line_start == std::string_view::npos) return true;  // the parser judges the request line
  for (size_t i = 0; i < block.size(); ++i) {
    char c = block[i];
    if (c == '\0') return false;
    if (c == '\r' && (i + 1 >= block.size() || block[i + 1] != '\n')) return false;  // a bare CR
  }
  size_t pos = line_start + 2;
  while (pos < block.size()) {
    size_t end = find_crlf(block, pos);
    if (end == std::string_view::npos || end == pos) break;  // the blank line ends the block
    std::string_view line = block.substr(pos, end - pos);
    if (line.front() == ' ' || line.front() == '\t') return false;  // obs-fold
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    if (line[colon - 1] == ' ' || line[colon - 1] == '\t') return false;  // space before the colon
    pos = end + 2;
  }
  return true;
}

// Closing with unread request bytes would reset the connection and could destroy the
// response before the client reads it (a 413 or 431 while it is still sending): as
// nginx's lingering close, stop sending, then read and discard what still comes, for
// at most 5 s.
asio::awaitable<void> linger(SweptStream& client) {
  beast::error_code ignored;
  client.socket().shutdown(tcp::socket::shutdown_send, ignored);
  client.expires_after(std::chrono::seconds(5));
  char sink[16 * 1024];
  for (;;) {
    auto [ec, n] = co_await client.async_read_some(asio::buffer(sink), kAwait);
    if (ec || n == 0) break;
  }
  client.socket().close(ignored);
}

bool access_allowed(const ir::Route& route, const std::string& client) {
  for (const auto& rule : route.access)
    if (ir::cidr_contains(rule.cidr, client)) return rule.allow;
  return true;
}

// What every request on a connection shares.
struct Connection {
  SweptStream& client;
  int listener;
  beast::flat_buffer& buffer;
  const ir::Route* listener_route;  // logs and limits what comes before routing
  const ir::ClientLimits* head;     // the request head's limits
  size_t block_limit;
  std::chrono::milliseconds in_request;  // a begun request's deadline
  std::chrono::milliseconds wait;        // until the next request
  ConnectionInfo info;
};

// A client connection between requests: all that an idle connection holds (no
// coroutine, no buffer), parked in a wait for its socket to become readable.
struct ClientConnection {
  ClientConnection(SweptSocket socket, int listener, std::shared_ptr<const Snapshot> snap, WorkerContext& worker)
      : snapshot(std::move(snap)),
        client(std::move(socket), worker.clients()),
        c{client, listener, buffer, nullptr, &kDefaultLimits, 0, kHeaderTimeout, kHeaderTimeout,
          connection_info(client.socket(), *snapshot, listener)} {
    // What fails before a virtual host is chosen is logged where the listener's
    // default host logs (nginx: its default server), and that host's limits on the
    // request head apply (they come before routing). A request in progress may idle
    // this long (HAProxy's timeout client); else nginx's 60 s client_header_timeout,
    // which the first request also waits; later ones wait the route's keepalive.
    const auto& listener_conf = snapshot->config().listeners[static_cast<size_t>(listener)];
    if (listener_conf.default_virtual_host)
      c.listener_route =
          &snapshot->config().virtual_hosts[static_cast<size_t>(*listener_conf.default_virtual_host)].fallback;
    const ir::ClientLimits& head = c.listener_route ? c.listener_route->limits : kDefaultLimits;
    c.head = &head;
    c.block_limit = static_cast<size_t>(head.header_block_bytes > 0 ? head.header_block_bytes : 1 << 20);
    if (head.idle_timeout_ms > 0) c.in_request = c.wait = std::chrono::milliseconds(head.idle_timeout_ms);
  }

  static inline const ir::ClientLimits kDefaultLimits{};
  std::shared_ptr<const Snapshot> snapshot;
  SweptStream client;
  beast::flat_buffer buffer;
  Connection c;
  int served = 0;  // requests answered
};

void report_failure(std::exception_ptr e) {
  // A connection that fails unexpectedly is closed, never the process.
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    std::fprintf(stderr, "proxyglot: connection closed after an internal error: %s\n", x.what());
  }
}

void park(std::unique_ptr<ClientConnection> conn, WorkerContext& worker, std::chrono::milliseconds wait);

// Serves requests while the client keeps sending them, then parks the connection.
// After a response it first waits up to kHotWait with its buffer: that read costs no
// system call beyond the recv itself, where a park costs an epoll_ctl (Asio re-arms a
// descriptor for a wait), so busy keepalive clients stay on this path.
asio::awaitable<void> serve_requests(std::unique_ptr<ClientConnection> conn, WorkerContext& worker) {
  SweptStream& client = conn->client;
  beast::flat_buffer& buffer = conn->buffer;
  Connection& c = conn->c;
  const Snapshot& snap = *conn->snapshot;
  for (;;) {
    if (worker.stopping()) co_return;
    // One request, from its first byte to the end of its response; the connection
    // closes where it returns. In this coroutine's own frame, allocated once for the
    // requests a client sends in a row: a coroutine of its own per request cost a
    // frame allocation (over Asio's recycling limit) and a resumption each time. The
    // frame is freed when the connection parks, so an idle one holds none of it.
    {
      const ir::Route* const listener_route = c.listener_route;
      const ir::ClientLimits& head = *c.head;
      const size_t block_limit = c.block_limit;
      const std::chrono::milliseconds in_request = c.in_request;
      std::chrono::milliseconds& wait = c.wait;
      const ir::GeneratedResponses& gen = snap.config().responses;
      const int listener = c.listener;
      ir::RequestView view = request_view(c.info);
      const ir::Route* log_route = listener_route;
      const bool timed = snap.times_requests();
      bool started = false;  // the request's first byte arrived
      int64_t started_us = 0;  // then, steady clock, when timed
      auto mark_started = [&] {
        if (started) return;
        started = true;
        if (!timed) return;
        started_us = WorkerContext::now_us();
        view.outcome.started_unix_us = clock::unix_us();
      };
      // The access log line, once the response went out (or the connection was dropped).
      auto log_request = [&](int status) {
        if (!log_route) return;
        view.outcome.status = status;
        view.outcome.duration_us = started && timed ? WorkerContext::now_us() - started_us : 0;
        view.outcome.connections_active = worker.active();
        snap.access_logs().write(*log_route, view, snap.evaluator());
      };
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(block_limit));
      parser.body_limit(boost::none);  // set once the route is known
      auto send_and_close = [&](int status) -> asio::awaitable<void> {
        http::response<http::string_body> res{static_cast<http::status>(status), 11};
        res.set(http::field::server, "proxyglot");
        res.set(http::field::date, http_date());
        res.set(http::field::content_type, "text/html");
        res.set(http::field::connection, "close");
        res.body() = page_for(gen, status);
        for (const auto& [k, v] : gen.page_fields) res.set(k, v);
        res.prepare_payload();
        client.expires_after(std::chrono::seconds(10));
        auto [ec, n] = co_await send_message(client, message_head(res), res.body());
        if (!ec) view.outcome.bytes_sent = n, view.outcome.body_bytes_sent = res.body().size();
        log_request(status);
        co_await linger(client);
      };
      // Read up to the end of the header block first, to check its raw bytes. Until the
      // request's first byte the keepalive deadline closes quietly; from it on, the
      // request deadline answers 408.
      boost::system::error_code ec;
      size_t block_end = std::string_view::npos;
      auto begin_request = [&] {
        mark_started();
        client.expires_after(in_request);
      };
      if (buffer.size() > 0) begin_request();  // pipelined
      size_t checked = 0;  // lines before this offset are known not to be too long
      for (;;) {
        std::string_view seen(static_cast<const char*>(buffer.data().data()), buffer.size());
        size_t skip = seen.find_first_not_of("\r\n");  // empty lines before a request are allowed
        for (size_t at = std::max(checked, skip == std::string_view::npos ? seen.size() : skip); at < seen.size();) {
          size_t eol = find_crlf(seen, at);
          if ((eol == std::string_view::npos ? seen.size() : eol) - at > kLongestLine) {
            co_await send_and_close(at == skip ? 414 : head.header_limit_status);
            co_return;
          }
          if (eol == std::string_view::npos) break;
          checked = at = eol + 2;
        }
        if (skip != std::string_view::npos && (block_end = find_blank_line(seen, skip)) != std::string_view::npos) break;
        if (buffer.size() > block_limit) break;  // the parser reports it too large
        // A request line longer than nginx's buffer: 414 before reading further.
        if (head.request_line_bytes > 0 && skip != std::string_view::npos &&
            find_crlf(seen, skip) == std::string_view::npos &&
            seen.size() - skip > static_cast<size_t>(head.request_line_bytes)) {
          co_await send_and_close(414);
          co_return;
        }
        auto [rec, rn] = co_await client.async_read_some(buffer.prepare(buffer.size() == 0 ? kFirstReadSize : kReadSize), kAwait);
        if (rec && started && client.expired()) {
          co_await send_and_close(408);
          co_return;
        }
        if (rec) {
          ec = rec;
          break;
        }
        buffer.commit(rn);
        if (!started) begin_request();
      }
      if (ec && buffer.size() == 0) co_return;  // closed or timed out between requests
      size_t request_line_length = 0;
      if (block_end != std::string_view::npos) {
        if (timed) view.outcome.header_us = WorkerContext::now_us() - started_us;
        view.outcome.request_length = block_end + 4;
        std::string_view block(static_cast<const char*>(buffer.data().data()), block_end);
        size_t begin = block.find_first_not_of("\r\n");
        size_t line_end = std::min(find_crlf(block, begin), block.size());
        request_line_length = line_end - begin;
        view.outcome.request_line = std::string(block.substr(begin, std::min(line_end - begin, kLoggedRequestLine)));
      }
      if (block_end != std::string_view::npos &&
          !header_block_ok(std::string_view(static_cast<const char*>(buffer.data().data()), block_end + 4))) {
        std::fprintf(stderr, "proxyglot: refused a malformed header block (obs-fold, bare CR, NUL or space before ':')\n");
        co_await send_and_close(400);
        co_return;
      }
      if (!ec && !header_buffered(buffer, parser, ec)) ec = co_await read_header_fast(client, buffer, parser);
      // (Each comparison with an enum makes an error_code: asked only when there is an error.)
      if (ec && (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
                 ec == beast::error::timeout || ec == asio::error::operation_aborted))
        co_return;
      if (ec) {  // malformed, too large, smuggling attempts Beast refuses: 400 and close
        std::fprintf(stderr, "proxyglot: bad request from client: %s\n", ec.message().c_str());
        co_await send_and_close(ec == http::error::header_limit ? head.header_limit_status : 400);
        co_return;
      }
      const http::request_header<>& req = parser.get();
      if (head.request_line_bytes > 0 && request_line_length > static_cast<size_t>(head.request_line_bytes)) {
        co_await send_and_close(414);  // nginx: 414 Request-URI Too Large
        co_return;
      }
      if (head.header_count > 0 && std::distance(req.begin(), req.end()) > head.header_count) {
        co_await send_and_close(head.header_limit_status);  // HAProxy: tune.http.maxhdr
        co_return;
      }
      // Request smuggling: a Transfer-Encoding whose last coding is not chunked gives the
      // body no end (Beast 1.81 reads it as no body); nginx and HAProxy refuse it.
      if (const auto* te = find_field(req, http::field::transfer_encoding)) {
        std::string codings = ir::to_lower(std::string(te->value()));
        while (!codings.empty() && (codings.back() == ' ' || codings.back() == '\t')) codings.pop_back();
        size_t comma = codings.rfind(',');
        std::string last = codings.substr(comma == std::string::npos ? 0 : comma + 1);
        last.erase(0, last.find_first_not_of(" \t"));
        if (last != "chunked") {
          co_await send_and_close(400);
          co_return;
        }
      }
      // nginx: one header line longer than a client header buffer (8k) is a 400.
      if (head.header_line_bytes > 0 && std::any_of(req.begin(), req.end(), [&](const auto& f) {
            return f.name_string().size() + f.value().size() + 2 > static_cast<size_t>(head.header_line_bytes);
          })) {
        co_await send_and_close(400);
        co_return;
      }

      const auto* host_field = find_field(req, http::field::host);
      const std::string_view host =
          host_field ? std::string_view(host_field->value().data(), host_field->value().size()) : std::string_view();
      if (!read_request(view, req, host)) {
        co_await send_and_close(400);
        co_return;
      }
      int vh_index = snap.hosts().select_normalized(listener, view.host, view);  // read_request normalised it
      if (vh_index < 0) {
        co_await send_and_close(404);
        co_return;
      }
      const ir::VirtualHost& vhost = snap.config().virtual_hosts[static_cast<size_t>(vh_index)];
      const VirtualHostPlan& plan = snap.plan(static_cast<size_t>(vh_index));
      log_route = &vhost.fallback;
      view.server_name = vhost.names.empty() ? "" : vhost.names.front().value;
      view.client_address = real_client_address(vhost.real_ip, view.client_address, view);

      // Rewrites and route selection.
      std::optional<Reply> reply;
      const ir::Route* route = nullptr;
      auto server_rw = plan.rewrites->run(view, snap.evaluator());
      if (server_rw.kind == RewriteResult::Kind::respond) {
        reply = status_reply(gen, server_rw.status);
        if (server_rw.has_body) reply->body = server_rw.body, reply->content_type = vhost.fallback.default_type;
      } else if (server_rw.kind == RewriteResult::Kind::redirect) {
        reply = redirect_reply(gen, server_rw.status, server_rw.location, view);
      }
      for (int cycle = 0; !reply && cycle <= kMaxReselections; ++cycle) {
        if (cycle == kMaxReselections) {
          std::fprintf(stderr, "proxyglot: rewrite or internal redirection cycle for %s\n", view.path.c_str());
          reply = status_reply(gen, 500);
          break;
        }
        int idx = plan.routes->select(view);
        plan.routes->capture(idx, view);
        route = idx >= 0 ? &vhost.routes[static_cast<size_t>(idx)] : &vhost.fallback;
        log_route = route;
        const RewriteProgram& rw = idx >= 0 ? *plan.route_rewrites[static_cast<size_t>(idx)] : *plan.fallback_rewrites;
        if (!access_allowed(*route, view.client_address)) {
          reply = status_reply(gen, 403);
          break;
        }
        auto result = rw.run(view, snap.evaluator());
        if (result.kind == RewriteResult::Kind::reselect) continue;
        if (result.kind == RewriteResult::Kind::respond) {
          reply = status_reply(gen, result.status);
          if (result.has_body) reply->body = result.body, reply->content_type = route->default_type;
        } else if (result.kind == RewriteResult::Kind::redirect) {
          reply = redirect_reply(gen, result.status, result.location, view);
        }
        break;
      }

      // The body: limited by the route, read whole (nginx buffers request bodies).
      std::string body;
      int64_t limit = route ? route->limits.max_body_bytes : 1024 * 1024;
      if (!reply && parser.content_length() && limit > 0 && *parser.content_length() > static_cast<uint64_t>(limit)) {
        co_await send_and_close(413);
        co_return;
      }
      if (!parser.is_done()) {
        parser.body_limit(limit > 0 ? boost::optional<uint64_t>(static_cast<uint64_t>(limit)) : boost::none);
        // The client waits for our go-ahead before it sends the body.
        if (ir::iequals(header_value(req, http::field::expect), "100-continue")) {
          http::response<http::empty_body> go{http::status::continue_, 11};
          auto [gec, gn] = co_await send_message(client, message_head(go), {});
          (void)gn;
          if (gec) co_return;
        }
        client.expires_after(in_request);
        boost::system::error_code bec;
        if (!message_buffered(buffer, parser, bec)) bec = co_await read_fast(client, buffer, parser);
        if (bec && client.expired()) {  // nginx: client_body_timeout, 408
          co_await send_and_close(408);
          co_return;
        }
        if (bec == http::error::body_limit) {
          co_await send_and_close(413);
          co_return;
        }
        if (bec) {
          co_await send_and_close(400);
          co_return;
        }
      }
      body = std::move(parser.get().body());
      view.outcome.request_length += body.size();

      const int64_t keepalive_ms = route ? route->limits.keepalive_timeout_ms : 75000;
      const bool keep_alive = parser.keep_alive() && !worker.stopping() && keepalive_ms > 0;
      wait = std::chrono::milliseconds(keepalive_ms);
      // What a route answering by itself sends (respond, redirect, static files), for
      // the route chosen and for an error page's; `forced`: the status an error page
      // sets. Nothing for a proxying route.
      auto own_answer = [&](const ir::Route& r, std::optional<int> forced) -> std::optional<Reply> {
        switch (r.action.kind) {
          case ir::ActionKind::respond: {
            Reply answer = status_reply(gen, forced.value_or(r.action.respond->status));
            if (r.action.respond->body) {
              answer.body = snap.evaluator().eval(*r.action.respond->body, view);
              answer.content_type = r.default_type;
            }
            return answer;
          }
          case ir::ActionKind::redirect:
            return redirect_reply(gen, r.action.redirect->status, snap.evaluator().eval(r.action.redirect->location, view),
                                  view);
          case ir::ActionKind::static_files:
            return status_reply(gen, forced.value_or(404));
          case ir::ActionKind::proxy:
            return std::nullopt;
        }
        return std::nullopt;
      };
      // Set-Cookie values of an exchange that did not answer (cookie balancing): kept on
      // whatever answers instead, an error page's answer too.
      std::vector<std::string> carried_cookies;
      if (!reply && route) {
        if (route->action.kind == ir::ActionKind::proxy) {
          ExchangeResult ex = co_await exchange(client, req, std::move(body), keep_alive, *route, view, snap, worker);
          if (ex.responded) {
            log_request(ex.status);
            if (!ex.keep_alive) co_return;
            goto answered;
          }
          reply = status_reply(gen, ex.status);
          carried_cookies = std::move(ex.set_cookies);
        } else {
          reply = own_answer(*route, std::nullopt);
        }
      }
      if (!reply) reply = status_reply(gen, 500);

      // error_page: one internal redirect for an error this proxy generated (nginx's
      // recursive_error_pages is off by default).
      const ir::ErrorPage* page = nullptr;
      if (route)
        for (const auto& ep : route->error_pages)
          if (std::find(ep.codes.begin(), ep.codes.end(), reply->status) != ep.codes.end()) page = page ? page : &ep;
      if (page) {
        const int original = reply->status;
        std::optional<int> forced;
        if (page->status_mode == ir::ErrorStatus::set) forced = page->status;
        else if (page->status_mode == ir::ErrorStatus::keep) forced = original;
        std::string target = snap.evaluator().eval(page->target, view);
        // What the error page answers may say the status it handles (Caddy's {err.status_code}).
        view.outcome.status = original;
        const ir::Route* handler = nullptr;
        if (page->target_kind == ir::ErrorTarget::redirect) {
          reply = redirect_reply(gen, page->status, target, view);
        } else if (page->target_kind == ir::ErrorTarget::named_route) {
          for (const auto& r : vhost.named_routes)
            if (r.name == target) handler = &r;
          if (!handler) reply = status_reply(gen, original);
        } else {
          auto q = target.find('?');
          view.path = target.substr(0, q);
          view.query = q == std::string::npos ? "" : target.substr(q + 1);
          if (view.method != "HEAD") view.method = "GET";
          int idx = plan.routes->select_internal(view);
          handler = idx >= 0 ? &vhost.routes[static_cast<size_t>(idx)] : &vhost.fallback;
        }
        if (handler) {
          route = handler;
          log_route = handler;
          if (handler->action.kind == ir::ActionKind::proxy) {
            ExchangeResult ex = co_await exchange(client, req, {}, keep_alive, *handler, view, snap, worker, forced,
                                                  std::move(carried_cookies));
            if (ex.responded) {
              log_request(ex.status);
              if (!ex.keep_alive) co_return;
              goto answered;
            }
            reply = status_reply(gen, original);
            carried_cookies = std::move(ex.set_cookies);
          } else {
            reply = own_answer(*handler, forced);
          }
        }
      }

      if (reply->status == 444) {  // nginx: close without a response
        log_request(444);
        co_return;
      }
      http::response<http::string_body> res{static_cast<http::status>(reply->status), req.version()};
      res.set(http::field::server, "proxyglot");
      res.set(http::field::date, http_date());
      if (!reply->body.empty()) res.set(http::field::content_type, reply->content_type);
      if (reply->status >= 400 && !reply->body.empty())
        for (const auto& [k, v] : gen.page_fields) res.set(k, v);  // HAProxy: Cache-Control: no-cache
      for (const auto& [k, v] : reply->headers) res.insert(k, v);
      for (const auto& c : carried_cookies) res.insert(http::field::set_cookie, c);
      // The route's operations on the answer itself (a set Content-Type replaces the default).
      if (route) apply_response_header_ops(route->response_headers, res.base(), reply->status, snap.evaluator(), view);
      res.body() = std::move(reply->body);
      res.keep_alive(keep_alive);
      if (!keep_alive) res.set(http::field::connection, "close");  // said even to HTTP/1.0 clients, as nginx does
      res.prepare_payload();
      if (req.method() == http::verb::head) res.body().clear();  // the length stays, the body goes
      client.expires_after(std::chrono::seconds(60));
      auto [wec, wn] = co_await send_message(client, message_head(res), res.body());
      view.outcome.bytes_sent = wn;
      view.outcome.body_bytes_sent = res.body().size();
      log_request(reply->status);
      if (wec || !keep_alive) {
        beast::error_code ignored;
        client.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
    }
  answered:  // a response went out and the connection stays open
    if (buffer.size() > 0) continue;  // pipelined
    // A client that came back for a second request is likely to keep coming; one that
    // sent one request is parked at once.
    if (++conn->served < 2) break;
    const auto hot = std::min(kHotWait, conn->c.wait);
    client.set_idle(true);
    client.expires_after(hot);
    auto [ec, n] = co_await client.async_read_some(buffer.prepare(kFirstReadSize), kAwait);
    client.set_idle(false);
    if (!ec) {
      buffer.commit(n);
      continue;
    }
    if (!client.expired() || hot == conn->c.wait) co_return;  // closed, or the keepalive is over
    const auto rest = conn->c.wait - hot;  // parked for the rest of the keepalive
    park(std::move(conn), worker, rest);
    co_return;
  }
  const auto wait = conn->c.wait;
  park(std::move(conn), worker, wait);
}

// Waits for the next request holding no buffer (nginx frees its buffers too); the
// keepalive deadline or a graceful stop closes the connection quietly.
void park(std::unique_ptr<ClientConnection> conn, WorkerContext& worker, std::chrono::milliseconds wait) {
  if (worker.stopping()) return;
  conn->buffer.shrink_to_fit();
  conn->client.set_idle(true);
  conn->client.expires_after(wait);
  SweptSocket& socket = conn->client.socket();
  socket.async_wait(tcp::socket::wait_read, [conn = std::move(conn), &worker](boost::system::error_code ec) mutable {
    if (ec) return;
    conn->client.set_idle(false);
    auto executor = conn->client.get_executor();
    asio::co_spawn(executor, serve_requests(std::move(conn), worker), report_failure);
  });
}

}  // namespace

void start_connection(SweptSocket socket, int listener, std::shared_ptr<const Snapshot> snapshot,
                      WorkerContext& worker) {
  auto conn = std::make_unique<ClientConnection>(std::move(socket), listener, std::move(snapshot), worker);
  const auto wait = conn->c.wait;
  park(std::move(conn), worker, wait);
}

}  // namespace pg::runtime
