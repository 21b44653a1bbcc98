// One proxied exchange: a server picked by the pool's balancer, the request sent with
// the route's URI and header rules, the response streamed back to the client through
// a fixed buffer. Retries on the next server when connecting fails, as the route's
// retry policy allows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>

#include "http/swept_stream.h"
#include "ir/ir.h"
#include "ir/request_view.h"
#include "server/snapshot.h"
#include "server/worker_context.h"

namespace pg::runtime {

struct ExchangeResult {
  bool responded = false;  // a response (the upstream's) went to the client
  int status = 502;        // the status sent, or the one the caller should send
  bool keep_alive = false;
  std::string upstream;    // "host:port" that answered
  // Set-Cookie values for the client from cookie balancing (one per pick that chose a
  // server the request's cookie did not name): sent with any answer, an error's or an
  // error page's too, as Caddy sends them. `earlier_cookies` are an earlier exchange's,
  // for an error page that proxies again.
  std::vector<std::string> set_cookies;
};

boost::asio::awaitable<ExchangeResult> exchange(SweptStream& client,
                                               const boost::beast::http::request_header<>& request,
                                               std::string body, bool keep_alive, const ir::Route& route,
                                               ir::RequestView& view, const Snapshot& snapshot,
                                               WorkerContext& worker, std::optional<int> status_override = {},
                                               std::vector<std::string> earlier_cookies = {});

}  // namespace pg::runtime
