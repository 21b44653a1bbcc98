#include "caddy/directive_table.h"

#include <array>
#include <vector>

#include <fmt/format.h>

#include "caddy/handlers.h"
#include "directive_lookup.h"

namespace pg::caddy {

namespace h = handlers;

namespace {

// Caddy 2.6's directive order (httpcaddyfile/directives.go): handler directives of a
// block run in this order, whatever order they are written in.
constexpr std::array<std::string_view, 30> kOrder = {
    "tracing", "map", "vars", "root", "header", "copy_response_headers", "request_body", "redir",
    "method", "rewrite", "uri", "try_files", "basicauth", "forward_auth", "request_header",
    "encode", "push", "templates", "handle", "handle_path", "route", "abort", "error",
    "copy_response", "respond", "metrics", "reverse_proxy", "php_fastcgi", "file_server",
    "acme_server"};

std::vector<DirectiveSpec> make_table() {
  constexpr auto N = Block::none;
  constexpr auto O = Block::optional;
  constexpr auto R = Block::required;
  // clang-format off
  std::vector<DirectiveSpec> t = {
    // global options
    {"admin",          kGlobal, 0, 1, O, h::admin, "off | address (the admin API is not part of the IR: a warning)"},
    {"auto_https",     kGlobal, 1, 1, N, h::auto_https, "off | disable_redirects | disable_certs | ignore_loaded_certs"},
    {"http_port",      kGlobal, 1, 1, N, h::http_port, "port of HTTP listeners and redirects (80)"},
    {"https_port",     kGlobal, 1, 1, N, h::https_port, "port of automatic HTTPS listeners (443)"},
    {"debug",          kGlobal, 0, 0, N, h::debug, "error log at debug level"},
    {"local_certs",    kGlobal, 0, 0, N, h::local_certs, "certificates made locally (what the IR's generated certificates are)"},
    {"email",          kGlobal, 1, 1, N, h::email, "ACME account email (a warning: certificates are made locally)"},
    {"servers",        kGlobal, 0, 1, R, h::servers, "server options: protocols"},
    {"log",            kGlobal, 0, 0, O, h::global_log, "the default logger: error log target and level"},
    {"protocols",      kServers, 1, 4, N, h::servers_protocols, "h1 h2 h2c h3"},

    // site blocks: handler directives (ordered) and site options
    {"header",         kHandlers, 0, 3, O, h::header, "[+|-|>]field [value|find replace], or a block; response headers"},
    {"request_header", kHandlers, 1, 3, N, h::request_header, "[+|-]field [value|find replace]; request headers"},
    {"redir",          kHandlers, 1, 2, N, h::redir, "to [temporary|permanent|3xx]"},
    {"rewrite",        kHandlers, 1, 1, N, h::rewrite, "to (path, query, placeholders); path matchers only"},
    {"uri",            kHandlers, 2, 4, N, h::uri, "strip_prefix | strip_suffix | replace find replace [limit]"},
    {"handle",         kHandlers, 0, 0, R, h::handle, "mutually exclusive blocks, sorted by path length"},
    {"handle_path",    kHandlers, 0, 0, R, h::handle_path, "handle that strips its path prefix"},
    {"route",          kHandlers, 0, 0, R, h::route, "block in written order"},
    {"handle_errors",  kSite, 0, 0, R, h::handle_errors,
                       "routes for errors of the site's reverse_proxy and error (not an upstream's answer): respond, "
                       "redir, reverse_proxy, header; matchers: expression on {err.status_code}"},
    {"respond",        kHandlers, 0, 2, O, h::respond, "[body] [status]"},
    {"error",          kHandlers, 0, 2, N, h::error, "[message] [status]: the status with an empty body (no handle_errors)"},
    {"request_body",   kHandlers, 0, 0, R, h::request_body, "block: max_size (413 above it)"},
    {"max_size",       kBody, 1, 1, N, h::max_size, "request body limit: 10MB, 1MiB, bytes"},
    {"reverse_proxy",  kHandlers, 0, kMany, O, h::reverse_proxy, "upstreams... and a block; see below"},
    {"tls",            kSite, 0, 2, O, h::tls, "cert key | internal | email; block: protocols"},
    {"bind",           kSite, 1, kMany, N, h::bind, "listen addresses of the site (default: every interface)"},
    {"protocols",      kTls, 1, 2, N, h::tls_protocols, "min [max]: tls1.2 tls1.3"},
    {"log",            kSite, 0, 0, O, h::log, "access log; block: output, format, level"},
    {"output",         kLog, 1, 2, N, h::log_output, "stdout | stderr | discard | file PATH"},
    {"format",         kLog, 1, 1, N, h::log_format, "json | console"},
    {"level",          kLog, 1, 1, N, h::log_level, "DEBUG | INFO | WARN | ERROR"},
    // lines of header { } and health_headers { }
    {"*",              kHeader, 0, 2, N, h::header_line, "[+|-]field [value|find replace]"},

    // reverse_proxy { }
    {"to",             kProxy, 1, kMany, N, h::to, "upstreams"},
    {"lb_policy",      kProxy, 1, 3, N, h::lb_policy,
                       "random random_choose least_conn round_robin first ip_hash client_ip_hash uri_hash header cookie"},
    {"lb_try_duration", kProxy, 1, 1, N, h::lb_try_duration, "retry window (0: no retries)"},
    {"lb_try_interval", kProxy, 1, 1, N, h::lb_try_interval, "wait between tries (250ms)"},
    {"trusted_proxies", kProxy, 1, kMany, N, h::trusted_proxies,
                       "0.0.0.0/0 ::/0 (every client): X-Forwarded-For appended to, X-Forwarded-Proto/-Host kept"},
    {"health_uri",     kProxy, 1, 1, N, h::health_uri, "active health check URI"},
    {"health_path",    kProxy, 1, 1, N, h::health_uri, "deprecated name of health_uri"},
    {"health_port",    kProxy, 1, 1, N, h::health_port, "port of active checks"},
    {"health_interval", kProxy, 1, 1, N, h::health_interval, "between checks (30s)"},
    {"health_timeout", kProxy, 1, 1, N, h::health_timeout, "per check (5s)"},
    {"health_status",  kProxy, 1, 1, N, h::health_status, "expected status: 200 or 2xx (default 2xx/3xx)"},
    {"health_body",    kProxy, 1, 1, N, h::health_body, "regex the body must match"},
    {"health_headers", kProxy, 0, 0, R, h::health_headers, "request headers of checks"},
    {"fail_duration",  kProxy, 1, 1, N, h::fail_duration, "passive health: how long a failure counts (0: off)"},
    {"max_fails",      kProxy, 1, 1, N, h::max_fails, "passive health: failures within fail_duration"},
    {"unhealthy_status", kProxy, 1, kMany, N, h::unhealthy_status, "passive health: statuses (or 5xx classes) that count as failures"},
    {"unhealthy_latency", kProxy, 1, 1, N, h::unhealthy_latency, "passive health: slower responses count as failures"},
    {"unhealthy_request_count", kProxy, 1, 1, N, h::unhealthy_request_count, "concurrent requests per server (max_conns)"},
    {"header_up",      kProxy, 1, 3, N, h::header_up, "[+|-]field [value|find replace]"},
    {"header_down",    kProxy, 1, 3, N, h::header_down, "[+|-]field [value|find replace]"},
    {"flush_interval", kProxy, 1, 1, N, h::flush_interval, "-1: stream at once"},
    {"buffer_requests", kProxy, 0, 0, N, h::buffer_requests, "read the request body before proxying"},
    {"transport",      kProxy, 1, 1, O, h::transport, "http (fastcgi not supported)"},

    // transport http { }
    {"versions",       kTransport, 1, 4, N, h::versions, "1.1 2 h2c"},
    {"keepalive",      kTransport, 1, 1, N, h::keepalive, "idle timeout | off (2m; no limit when unset beside another keep-alive option)"},
    {"keepalive_idle_conns", kTransport, 1, 1, N, h::keepalive_idle_conns, "idle connections to all upstreams together (0: no limit)"},
    {"keepalive_idle_conns_per_host", kTransport, 1, 1, N, h::keepalive_idle_conns,
                       "idle connections per upstream (32; Go's 2 when 0, or unset beside another keep-alive option)"},
    {"dial_timeout",   kTransport, 1, 1, N, h::dial_timeout, "connect timeout (3s)"},
    {"read_timeout",   kTransport, 1, 1, N, h::read_timeout, "between reads (none)"},
    {"write_timeout",  kTransport, 1, 1, N, h::write_timeout, "between writes (none)"},
    {"tls",            kTransport, 0, 0, N, h::transport_tls, "HTTPS to the upstreams"},
  };
  // Caddy 2.6 names proxyglot does not support yet: named as such, never ignored.
  for (std::string_view name : {"tracing", "map", "vars", "root", "copy_response_headers",
                                "method", "try_files", "basicauth", "forward_auth", "encode", "push",
                                "templates", "abort", "copy_response", "metrics", "php_fastcgi",
                                "file_server", "acme_server", "skip_log", "invoke"})
    t.push_back({name, kHandlers, 0, kMany, O, nullptr, ""});
  for (std::string_view name : {"grace_period", "order", "storage", "storage_clean_interval",
                                "acme_ca", "acme_ca_root", "acme_eab", "acme_dns", "default_sni",
                                "on_demand_tls", "ocsp_stapling", "ocsp_interval", "key_type",
                                "cert_issuer", "skip_install_trust", "persist_config",
                                "shutdown_delay", "filesystem", "pki", "events", "renew_interval",
                                "cert_lifetime", "preferred_chains", "default_bind", "auto_https_port"})
    t.push_back({name, kGlobal, 0, kMany, O, nullptr, ""});
  for (std::string_view name : {"listener_wrappers", "timeouts", "trusted_proxies", "metrics",
                                "max_header_size", "log_credentials", "strict_sni_host"})
    t.push_back({name, kServers, 0, kMany, O, nullptr, ""});
  for (std::string_view name : {"lb_retry_match", "dynamic",
                                "buffer_responses", "max_buffer_size", "handle_response",
                                "replace_status", "health_follow_redirects", "request_buffers",
                                "response_buffers", "stream_timeout", "stream_close_delay"})
    t.push_back({name, kProxy, 0, kMany, O, nullptr, ""});
  for (std::string_view name : {"tls_insecure_skip_verify", "tls_client_auth", "tls_trusted_ca_certs",
                                "tls_server_name", "tls_timeout", "tls_renegotiation", "tls_except_ports",
                                "read_buffer", "write_buffer", "max_response_header", "compression",
                                "max_conns_per_host", "response_header_timeout", "expect_continue_timeout",
                                "resolvers", "proxy_protocol", "forward_proxy_url"})
    t.push_back({name, kTransport, 0, kMany, O, nullptr, ""});
  for (std::string_view name : {"ciphers", "curves", "alpn", "load", "ca", "ca_root", "dns", "resolvers",
                                "eab", "on_demand", "client_auth", "issuer", "get_certificate", "key_type"})
    t.push_back({name, kTls, 0, kMany, O, nullptr, ""});
  for (std::string_view name : {"include", "exclude", "sampling"})
    t.push_back({name, kLog, 0, kMany, O, nullptr, ""});
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

int directive_position(std::string_view name) {
  for (size_t i = 0; i < kOrder.size(); ++i)
    if (kOrder[i] == name) return static_cast<int>(i);
  return -1;
}

std::string context_names(uint32_t contexts) {
  static const std::pair<uint32_t, std::string_view> names[] = {
      {kGlobal, "global"}, {kSite, "site"}, {kRoute, "handle/route"}, {kProxy, "reverse_proxy"},
      {kTransport, "transport http"}, {kServers, "servers"}, {kTls, "tls"}, {kLog, "log"},
      {kHeader, "header block"}, {kBody, "request_body"}};
  std::string out;
  for (const auto& [bit, name] : names)
    if (contexts & bit) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string directive_listing() {
  std::string out;
  for (const auto& s : directive_table()) {
    if (s.handler)
      out += fmt::format("{:<30} {:<28} {}\n", s.name, context_names(s.contexts), s.summary);
    else
      out += fmt::format("{:<30} {:<28} {}\n", s.name, context_names(s.contexts), "not supported yet");
  }
  return out;
}

std::string support_matrix_markdown() {
  std::string out =
      "# Caddyfile support matrix\n\n"
      "Generated by `proxyglot directives caddy --markdown` from the caddy front end's directive\n"
      "table (compiler/caddy/directive_table.cpp); a test keeps this file equal to that output.\n"
      "Anything not listed is reported as an unrecognized directive, as Caddy 2.6 does; a\n"
      "name marked *not supported yet* is an error naming it.\n\n"
      "| name | where | supported | meaning |\n|---|---|---|---|\n";
  auto cell = [](std::string_view text) {  // a '|' would end the table cell
    std::string out;
    for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  for (const auto& s : directive_table()) {
    std::string name = s.name == "*" ? "*(any header field)*" : fmt::format("`{}`", s.name);
    out += fmt::format("| {} | {} | {} | {} |\n", name, context_names(s.contexts),
                       s.handler ? "yes" : "not supported yet", s.handler ? cell(s.summary) : "");
  }
  out += "\nMatchers: `*`, `/path`, `@name`; named matchers `path` (case-insensitive, exact unless `*`),\n"
         "`path_regexp`, `host`, `header`, `header_regexp`, `method`, `query`, `remote_ip`,\n"
         "`protocol` (http, https), `not`; in `handle_errors`, `expression` comparing\n"
         "`{err.status_code}` with a number (`==` `!=` `<` `<=` `>` `>=`, `in [...]`). Not supported yet:\n"
         "`expression` elsewhere, `file`, `vars`, `vars_regexp`, `remote_ip forwarded`.\n";
  return out;
}

}  // namespace pg::caddy
