// One client connection: HTTP/1.1 requests read with limits, the virtual host and
// route selected, rewrites run, and the route's action carried out (a generated
// response, a redirect, or a proxied exchange), keep-alive until the client or the
// shutdown ends it. Never throws: a bad request or a dead backend is an HTTP error
// and a log line.
#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/swept_stream.h"
#include "server/snapshot.h"
#include "server/worker_context.h"

namespace pg::runtime {

// Takes over an accepted connection; it lives on the socket's executor until closed.
void start_connection(SweptSocket socket, int listener, std::shared_ptr<const Snapshot> snapshot,
                      WorkerContext& worker);

}  // namespace pg::runtime
