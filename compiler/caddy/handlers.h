// The table's handlers: each lowers one line (a Call) into the Lowerer's state.
#pragma once

#include "caddy/lowerer.h"

namespace pg::caddy::handlers {

// global options
void admin(Lowerer&, const Call&);
void auto_https(Lowerer&, const Call&);
void http_port(Lowerer&, const Call&);
void https_port(Lowerer&, const Call&);
void debug(Lowerer&, const Call&);
void local_certs(Lowerer&, const Call&);
void email(Lowerer&, const Call&);
void servers(Lowerer&, const Call&);
void global_log(Lowerer&, const Call&);
void servers_protocols(Lowerer&, const Call&);

// site handlers
void header(Lowerer&, const Call&);
void header_line(Lowerer&, const Call&);  // a line of header { }
void request_header(Lowerer&, const Call&);
void redir(Lowerer&, const Call&);
void rewrite(Lowerer&, const Call&);
void uri(Lowerer&, const Call&);
void handle(Lowerer&, const Call&);
void handle_path(Lowerer&, const Call&);
void route(Lowerer&, const Call&);
void handle_errors(Lowerer&, const Call&);
void respond(Lowerer&, const Call&);
void error(Lowerer&, const Call&);
void request_body(Lowerer&, const Call&);
void max_size(Lowerer&, const Call&);
void tls(Lowerer&, const Call&);
void bind(Lowerer&, const Call&);
void tls_protocols(Lowerer&, const Call&);
void log(Lowerer&, const Call&);
void log_output(Lowerer&, const Call&);
void log_format(Lowerer&, const Call&);
void log_level(Lowerer&, const Call&);

// reverse_proxy and its block
void reverse_proxy(Lowerer&, const Call&);
void to(Lowerer&, const Call&);
void lb_policy(Lowerer&, const Call&);
void lb_try_duration(Lowerer&, const Call&);
void lb_try_interval(Lowerer&, const Call&);
void trusted_proxies(Lowerer&, const Call&);
void health_uri(Lowerer&, const Call&);
void health_port(Lowerer&, const Call&);
void health_interval(Lowerer&, const Call&);
void health_timeout(Lowerer&, const Call&);
void health_status(Lowerer&, const Call&);
void health_body(Lowerer&, const Call&);
void health_headers(Lowerer&, const Call&);
void fail_duration(Lowerer&, const Call&);
void max_fails(Lowerer&, const Call&);
void unhealthy_request_count(Lowerer&, const Call&);
void unhealthy_status(Lowerer&, const Call&);
void unhealthy_latency(Lowerer&, const Call&);
void header_up(Lowerer&, const Call&);
void header_down(Lowerer&, const Call&);
void flush_interval(Lowerer&, const Call&);
void buffer_requests(Lowerer&, const Call&);
void transport(Lowerer&, const Call&);
void versions(Lowerer&, const Call&);
void keepalive(Lowerer&, const Call&);
void keepalive_idle_conns(Lowerer&, const Call&);
void dial_timeout(Lowerer&, const Call&);
void read_timeout(Lowerer&, const Call&);
void write_timeout(Lowerer&, const Call&);
void transport_tls(Lowerer&, const Call&);

}  // namespace pg::caddy::handlers
