// The keyword handlers the keyword table dispatches to. Each receives the line and the
// index of its first argument; arity is checked before the call.
#pragma once

#include "haproxy/lowerer.h"

namespace pg::haproxy::handlers {

// global
void maxconn_global(Lowerer&, const Line&, size_t);
void nbthread(Lowerer&, const Line&, size_t);
void log_global_section(Lowerer&, const Line&, size_t);
void stats_socket(Lowerer&, const Line&, size_t);
void environment(Lowerer&, const Line&, size_t);  // applied while reading; nothing left to do
void daemon(Lowerer&, const Line&, size_t);
void user(Lowerer&, const Line&, size_t);
void pidfile(Lowerer&, const Line&, size_t);

// proxy settings (defaults, frontend, backend, listen)
void mode(Lowerer&, const Line&, size_t);
void timeout(Lowerer&, const Line&, size_t);
void option_httplog(Lowerer&, const Line&, size_t);
void option_dontlognull(Lowerer&, const Line&, size_t);
void option_forwardfor(Lowerer&, const Line&, size_t);
void option_http_server_close(Lowerer&, const Line&, size_t);
void option_httpclose(Lowerer&, const Line&, size_t);
void option_http_keep_alive(Lowerer&, const Line&, size_t);
void option_redispatch(Lowerer&, const Line&, size_t);
void option_httpchk(Lowerer&, const Line&, size_t);
void retries(Lowerer&, const Line&, size_t);
void balance(Lowerer&, const Line&, size_t);
void cookie(Lowerer&, const Line&, size_t);
void hash_type(Lowerer&, const Line&, size_t);
void maxconn_proxy(Lowerer&, const Line&, size_t);
void log_proxy(Lowerer&, const Line&, size_t);
void errorfile(Lowerer&, const Line&, size_t);
void http_error(Lowerer&, const Line&, size_t);
void option_http_buffer_request(Lowerer&, const Line&, size_t);
void retry_on(Lowerer&, const Line&, size_t);
void http_check_send(Lowerer&, const Line&, size_t);
void http_check_expect(Lowerer&, const Line&, size_t);
void default_server(Lowerer&, const Line&, size_t);

// frontend side
void bind(Lowerer&, const Line&, size_t);
void acl(Lowerer&, const Line&, size_t);
void use_backend(Lowerer&, const Line&, size_t);
void default_backend(Lowerer&, const Line&, size_t);
void http_request(Lowerer&, const Line&, size_t);
void http_request_set_src(Lowerer&, const Line&, size_t);
void http_response(Lowerer&, const Line&, size_t);
void redirect(Lowerer&, const Line&, size_t);

// backend side
void server(Lowerer&, const Line&, size_t);

}  // namespace pg::haproxy::handlers
