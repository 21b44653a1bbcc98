#include "nginx/directive_table.h"


#include <fmt/format.h>

#include "nginx/handlers.h"
#include "directive_lookup.h"
#include "support_matrix.h"

namespace pg::nginx {

namespace h = handlers;

namespace {

constexpr uint32_t kAll = kMain | kEvents | kAnyHttp | kUpstream;

std::vector<DirectiveSpec> make_table() {
  // clang-format off
  std::vector<DirectiveSpec> t = {
    // name, contexts, min, max, block, repeatable, handler, summary
    {"worker_processes",   kMain, 1, 1, false, false, h::worker_processes, "worker threads: a number or auto"},
    {"pid",                kMain, 1, 1, false, false, h::pid, "pid file path"},
    {"daemon",             kMain, 1, 1, false, false, h::daemon, "on|off"},
    {"user",               kMain, 1, 2, false, false, h::user, "user [group]"},
    {"error_log",          kMain, 1, 2, false, true,  h::error_log, "file [level]"},
    {"events",             kMain, 0, 0, true,  false, h::events, "events block"},
    {"worker_connections", kEvents, 1, 1, false, false, h::worker_connections, "connections per worker"},
    {"http",               kMain, 0, 0, true,  false, h::http, "http block"},

    {"upstream",           kHttp, 1, 1, true,  true,  h::upstream, "a pool of servers"},
    {"server",             kUpstream, 1, kMany, false, true, h::upstream_server,
                           "weight= max_fails= fail_timeout= backup down max_conns="},
    {"keepalive",          kUpstream, 1, 1, false, false, h::upstream_keepalive, "idle connections cached per worker"},
    {"keepalive_timeout",  kUpstream, 1, 1, false, false, h::upstream_keepalive_timeout, "idle upstream connection timeout"},
    {"keepalive_requests", kUpstream, 1, 1, false, false, h::upstream_keepalive_requests, "requests per upstream connection"},
    {"least_conn",         kUpstream, 0, 0, false, false, h::least_conn, "weighted least connections"},
    {"ip_hash",            kUpstream, 0, 0, false, false, h::ip_hash, "client address hashing"},
    {"hash",               kUpstream, 1, 2, false, false, h::hash, "KEY [consistent]"},
    {"random",             kUpstream, 0, 2, false, false, h::random, "[two [least_conn]]"},

    {"server",             kHttp, 0, 0, true,  true,  h::server, "a virtual host"},
    {"listen",             kServer, 1, kMany, false, true, h::listen,
                           "address[:port] [default_server] [ssl] [http2]"},
    {"server_name",        kServer, 1, kMany, false, true, h::server_name, "exact, *.wildcard, ~regex names"},
    {"location",           kServer | kLocation, 1, 2, true, true, h::location, "= ^~ ~ ~* prefix @named, nested"},
    {"ssl_certificate",    kHttp | kServer, 1, 1, false, true, h::ssl_certificate, "PEM certificate file"},
    {"ssl_certificate_key", kHttp | kServer, 1, 1, false, true, h::ssl_certificate_key, "PEM key file"},
    {"ssl_protocols",      kHttp | kServer, 1, kMany, false, false, h::ssl_protocols, "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3"},
    {"return",             kServer | kLocation, 1, 2, false, true, h::return_, "code [text|URL] | URL"},
    {"rewrite",            kServer | kLocation, 2, 3, false, true, h::rewrite, "regex replacement [last|break|redirect|permanent]"},
    {"error_page",         kAnyHttp, 2, kMany, false, true, h::error_page, "code ... [=[response]] uri"},
    {"add_header",         kAnyHttp, 2, 3, false, true, h::add_header, "name value [always]"},
    {"allow",              kAnyHttp, 1, 1, false, true, h::allow, "address | CIDR | all"},
    {"deny",               kAnyHttp, 1, 1, false, true, h::deny, "address | CIDR | all"},
    {"internal",           kLocation, 0, 0, false, false, h::internal, "only internal redirects reach it"},

    {"map",                kHttp, 2, 2, true,  true,  h::map, "strings, regexes, default, hostnames"},
    {"log_format",         kHttp, 2, kMany, false, true, h::log_format, "name [escape=...] string ..."},
    {"access_log",         kAnyHttp, 1, kMany, false, true, h::access_log, "path [format] | off"},
    {"client_max_body_size", kAnyHttp, 1, 1, false, false, h::client_max_body_size, "size; 0 = unlimited"},
    {"keepalive_timeout",  kAnyHttp, 1, 2, false, false, h::keepalive_timeout, "idle client connection timeout"},
    {"default_type",       kAnyHttp, 1, 1, false, false, h::default_type, "MIME type of generated responses"},
    {"absolute_redirect",  kAnyHttp, 1, 1, false, false, h::absolute_redirect, "on|off; one value for the whole configuration"},
    {"client_header_buffer_size", kHttp | kServer, 1, 1, false, false, h::client_header_buffer_size, "size; with large_client_header_buffers, the request head limits"},
    {"large_client_header_buffers", kHttp | kServer, 2, 2, false, false, h::large_client_header_buffers, "number size: request line and header lines up to size, the head up to number x size"},
    {"client_header_timeout", kHttp | kServer, 1, 1, false, false, h::client_header_timeout, "time; with client_body_timeout and send_timeout, one client inactivity timeout (the largest)"},
    {"client_body_timeout", kAnyHttp, 1, 1, false, false, h::client_body_timeout, "time (see client_header_timeout)"},
    {"send_timeout",       kAnyHttp, 1, 1, false, false, h::send_timeout, "time (see client_header_timeout)"},
    {"set_real_ip_from",   kHttp | kServer, 1, 1, false, true, h::set_real_ip_from, "trusted proxy address or CIDR"},
    {"real_ip_header",     kHttp | kServer, 1, 1, false, false, h::real_ip_header, "X-Real-IP | X-Forwarded-For | header"},
    {"real_ip_recursive",  kHttp | kServer, 1, 1, false, false, h::real_ip_recursive, "on|off"},

    {"proxy_pass",         kLocation, 1, 1, false, false, h::proxy_pass, "pool or address, optional URI part, variables"},
    {"proxy_set_header",   kAnyHttp, 2, 2, false, true, h::proxy_set_header, "field value (\"\" removes)"},
    {"proxy_http_version", kAnyHttp, 1, 1, false, false, h::proxy_http_version, "1.0 | 1.1"},
    {"proxy_connect_timeout", kAnyHttp, 1, 1, false, false, h::proxy_connect_timeout, "time"},
    {"proxy_send_timeout", kAnyHttp, 1, 1, false, false, h::proxy_send_timeout, "time"},
    {"proxy_read_timeout", kAnyHttp, 1, 1, false, false, h::proxy_read_timeout, "time"},
    {"proxy_buffering",    kAnyHttp, 1, 1, false, false, h::proxy_buffering, "on|off"},
    {"proxy_buffer_size",  kAnyHttp, 1, 1, false, false, h::proxy_buffer_size, "size"},
    {"proxy_buffers",      kAnyHttp, 2, 2, false, false, h::proxy_buffers, "number size"},
    {"proxy_next_upstream", kAnyHttp, 1, kMany, false, false, h::proxy_next_upstream, "error timeout http_502 ... | off"},
    {"proxy_next_upstream_tries", kAnyHttp, 1, 1, false, false, h::proxy_next_upstream_tries, "number; 0 = unlimited"},
    {"proxy_next_upstream_timeout", kAnyHttp, 1, 1, false, false, h::proxy_next_upstream_timeout, "time; 0 = unlimited"},
    {"proxy_redirect",     kAnyHttp, 1, 2, false, true, h::proxy_redirect, "default | off | redirect replacement"},
    {"proxy_request_buffering", kAnyHttp, 1, 1, false, false, h::proxy_request_buffering, "on|off"},
    {"proxy_hide_header",  kAnyHttp, 1, 1, false, true, h::proxy_hide_header, "field: not passed from the upstream's response"},
    {"grpc_pass",          kLocation, 1, 1, false, false, h::grpc_pass, "grpc://address, grpcs://address"},
    {"grpc_set_header",    kAnyHttp, 2, 2, false, true, h::grpc_set_header, "field value"},
    {"grpc_connect_timeout", kAnyHttp, 1, 1, false, false, h::grpc_connect_timeout, "time"},
    {"grpc_send_timeout",  kAnyHttp, 1, 1, false, false, h::grpc_send_timeout, "time"},
    {"grpc_read_timeout",  kAnyHttp, 1, 1, false, false, h::grpc_read_timeout, "time"},
  };
  // nginx 1.22 directives proxyglot does not support yet: named as such, never ignored.
  for (std::string_view name : {
           "root", "alias", "index", "try_files", "autoindex", "if", "set", "break",
           "fastcgi_pass", "fastcgi_param", "fastcgi_index", "uwsgi_pass", "uwsgi_param",
           "scgi_pass", "memcached_pass", "limit_req", "limit_req_zone", "limit_req_status",
           "limit_conn", "limit_conn_zone", "limit_rate", "limit_except", "gzip", "gzip_types",
           "gzip_min_length", "gzip_comp_level", "gzip_vary", "gzip_proxied", "gzip_static",
           "expires", "etag", "sendfile", "tcp_nopush", "tcp_nodelay", "types", "server_tokens",
           "resolver", "resolver_timeout", "ssl", "ssl_ciphers", "ssl_prefer_server_ciphers",
           "ssl_session_cache", "ssl_session_timeout", "ssl_session_tickets", "ssl_stapling",
           "ssl_stapling_verify", "ssl_dhparam", "ssl_ecdh_curve", "ssl_trusted_certificate",
           "ssl_client_certificate", "ssl_verify_client", "ssl_verify_depth", "ssl_buffer_size",
           "proxy_cache", "proxy_cache_path", "proxy_cache_valid", "proxy_cache_key",
           "proxy_cache_bypass", "proxy_no_cache", "proxy_cache_lock", "proxy_cache_use_stale",
           "proxy_pass_header", "proxy_ignore_headers",
           "proxy_intercept_errors", "proxy_ssl_verify", "proxy_ssl_server_name", "proxy_ssl_name",
           "proxy_ssl_certificate", "proxy_ssl_certificate_key", "proxy_ssl_protocols",
           "proxy_ssl_trusted_certificate", "proxy_temp_path", "proxy_max_temp_file_size",
           "proxy_busy_buffers_size", "proxy_pass_request_headers",
           "proxy_pass_request_body", "proxy_set_body", "proxy_cookie_domain", "proxy_cookie_path",
           "proxy_socket_keepalive", "proxy_bind", "proxy_headers_hash_max_size",
           "proxy_headers_hash_bucket_size", "proxy_method", "proxy_store", "proxy_limit_rate",
           "grpc_buffer_size",
           "grpc_next_upstream", "grpc_next_upstream_tries", "grpc_next_upstream_timeout",
           "grpc_hide_header", "grpc_pass_header", "grpc_intercept_errors", "grpc_ssl_verify",
           "grpc_ssl_certificate", "grpc_ssl_certificate_key", "grpc_ssl_server_name",
           "client_body_buffer_size", "client_body_temp_path", "keepalive_requests", "keepalive_disable", "reset_timedout_connection", "auth_basic",
           "auth_basic_user_file", "auth_request", "satisfy", "sub_filter", "sub_filter_once",
           "charset", "source_charset", "ssi", "stub_status", "open_file_cache",
           "server_names_hash_bucket_size", "server_names_hash_max_size", "types_hash_max_size",
           "types_hash_bucket_size", "variables_hash_max_size", "map_hash_bucket_size",
           "map_hash_max_size", "multi_accept", "use", "accept_mutex", "worker_rlimit_nofile",
           "worker_cpu_affinity", "worker_priority", "worker_shutdown_timeout", "load_module",
           "env", "pcre_jit", "thread_pool", "timer_resolution", "lingering_close",
           "lingering_time", "lingering_timeout", "http2_max_field_size", "http2_max_header_size",
           "http2_max_concurrent_streams", "http2_push", "http2_push_preload",
           "http2_recv_buffer_size", "http2_idle_timeout", "underscores_in_headers",
           "ignore_invalid_headers", "merge_slashes", "port_in_redirect",
           "server_name_in_redirect", "recursive_error_pages", "log_not_found", "log_subrequest",
           "open_log_file_cache", "zone", "sticky", "ntlm", "queue", "health_check", "add_trailer",
           "stream", "mail", "geo", "split_clients", "userid", "secure_link",
           "mirror", "slice", "aio", "directio", "output_buffers", "postpone_output",
           "chunked_transfer_encoding", "msie_padding", "error_log_format", "debug_connection",
           "ssl_early_data", "ssl_conf_command", "proxy_ssl_ciphers", "proxy_ssl_session_reuse"}) {
    t.push_back({name, kAll, 0, kMany, false, true, nullptr, ""});
  }
  // clang-format on
  return t;
}

}  // namespace

const std::vector<DirectiveSpec>& directive_table() {
  static const std::vector<DirectiveSpec> table = make_table();
  return table;
}

const DirectiveSpec* find_directive(std::string_view name, uint32_t ctx) {
  return find_in_table(directive_table(), name, ctx);
}

std::string context_names(uint32_t contexts) {
  static const std::pair<uint32_t, const char*> names[] = {
      {kMain, "main"}, {kEvents, "events"}, {kHttp, "http"}, {kServer, "server"},
      {kLocation, "location"}, {kUpstream, "upstream"}};
  std::string out;
  for (auto [bit, n] : names) {
    if (!(contexts & bit)) continue;
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string support_matrix_markdown() {
  std::string out =
      "# nginx support matrix\n\n"
      "Generated from the nginx directive table (`proxyglot directives nginx --markdown`);\n"
      "a test keeps this file equal to that output. Semantics follow nginx 1.22.\n\n"
      "## Supported\n\n"
      "| directive | contexts | arguments | notes |\n|---|---|---|---|\n";
  for (const auto& s : directive_table()) {
    if (!s.handler) continue;
    out += fmt::format("| `{}` | {} | {} | {} |\n", s.name, context_names(s.contexts), arity_text(s.min_args, s.max_args, s.block), s.summary);
  }
  out += "\n## Not supported yet\n\n"
         "These nginx directives are recognised and rejected with\n"
         "`error: \"NAME\" directive is not supported by proxyglot yet`; any other unknown name\n"
         "gets nginx's own `unknown directive \"NAME\"`.\n\n";
  std::vector<std::string_view> unsupported;
  for (const auto& s : directive_table())
    if (!s.handler) unsupported.push_back(s.name);
  return out + wrapped_names(unsupported);
}

}  // namespace pg::nginx
