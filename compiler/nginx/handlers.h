// Directive handlers, grouped by the file that implements them. Each validates its
// arguments and records what it means in the Lowerer's scopes.
#pragma once

#include "nginx/lowerer.h"

namespace pg::nginx::handlers {

// handlers_core.cpp: main, events, http-level and logging
void events(Lowerer&, const Directive&);
void http(Lowerer&, const Directive&);
void worker_processes(Lowerer&, const Directive&);
void worker_connections(Lowerer&, const Directive&);
void pid(Lowerer&, const Directive&);
void daemon(Lowerer&, const Directive&);
void user(Lowerer&, const Directive&);
void error_log(Lowerer&, const Directive&);
void log_format(Lowerer&, const Directive&);
void access_log(Lowerer&, const Directive&);
void client_max_body_size(Lowerer&, const Directive&);
void keepalive_timeout(Lowerer&, const Directive&);
void default_type(Lowerer&, const Directive&);
void set_real_ip_from(Lowerer&, const Directive&);
void real_ip_header(Lowerer&, const Directive&);
void real_ip_recursive(Lowerer&, const Directive&);
void map(Lowerer&, const Directive&);
void absolute_redirect(Lowerer&, const Directive&);
void client_header_buffer_size(Lowerer&, const Directive&);
void large_client_header_buffers(Lowerer&, const Directive&);
void client_header_timeout(Lowerer&, const Directive&);
void client_body_timeout(Lowerer&, const Directive&);
void send_timeout(Lowerer&, const Directive&);

// handlers_upstream.cpp
void upstream(Lowerer&, const Directive&);
void upstream_server(Lowerer&, const Directive&);
void upstream_keepalive(Lowerer&, const Directive&);
void upstream_keepalive_timeout(Lowerer&, const Directive&);
void upstream_keepalive_requests(Lowerer&, const Directive&);
void least_conn(Lowerer&, const Directive&);
void ip_hash(Lowerer&, const Directive&);
void hash(Lowerer&, const Directive&);
void random(Lowerer&, const Directive&);

// handlers_server.cpp
void server(Lowerer&, const Directive&);
void listen(Lowerer&, const Directive&);
void server_name(Lowerer&, const Directive&);
void location(Lowerer&, const Directive&);
void ssl_certificate(Lowerer&, const Directive&);
void ssl_certificate_key(Lowerer&, const Directive&);
void ssl_protocols(Lowerer&, const Directive&);
void add_header(Lowerer&, const Directive&);
void allow(Lowerer&, const Directive&);
void deny(Lowerer&, const Directive&);
void error_page(Lowerer&, const Directive&);
void internal(Lowerer&, const Directive&);

// handlers_rewrite.cpp
void return_(Lowerer&, const Directive&);
void rewrite(Lowerer&, const Directive&);

// handlers_proxy.cpp
void proxy_pass(Lowerer&, const Directive&);
void grpc_pass(Lowerer&, const Directive&);
void proxy_set_header(Lowerer&, const Directive&);
void grpc_set_header(Lowerer&, const Directive&);
void proxy_http_version(Lowerer&, const Directive&);
void proxy_connect_timeout(Lowerer&, const Directive&);
void proxy_send_timeout(Lowerer&, const Directive&);
void proxy_read_timeout(Lowerer&, const Directive&);
void proxy_buffering(Lowerer&, const Directive&);
void proxy_buffer_size(Lowerer&, const Directive&);
void proxy_buffers(Lowerer&, const Directive&);
void proxy_next_upstream(Lowerer&, const Directive&);
void proxy_next_upstream_tries(Lowerer&, const Directive&);
void proxy_next_upstream_timeout(Lowerer&, const Directive&);
void proxy_redirect(Lowerer&, const Directive&);
void proxy_request_buffering(Lowerer&, const Directive&);
void proxy_hide_header(Lowerer&, const Directive&);
void grpc_connect_timeout(Lowerer&, const Directive&);
void grpc_send_timeout(Lowerer&, const Directive&);
void grpc_read_timeout(Lowerer&, const Directive&);

}  // namespace pg::nginx::handlers
