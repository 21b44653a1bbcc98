// The intermediate representation: what a configuration *does*, in one dialect-neutral
// model. Types only. Every element carries the SourceLoc it came from; every default a
// dialect implies is written in explicitly by its front end. docs/ir.md documents each
// field (meaning, unit, default). Durations are milliseconds, sizes bytes.
//
// The Boost.Describe annotations give each struct its canonical JSON form (ir_json.h):
// keys appear in declaration order, so declaration order is part of the schema.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe.hpp>

#include "diag/source_loc.h"


namespace pg::ir {

inline constexpr int kSchemaVersion = 1;

// ---- value templates -------------------------------------------------------------------

// The closed, dialect-neutral set of values a template can refer to.
BOOST_DEFINE_ENUM_CLASS(Var,
    literal,                 // `value` is literal text
    client_address,          // client IP (after trusted-proxy real-IP resolution)
    client_port,
    server_address,          // local address the request arrived on
    server_port,
    server_name,             // the matched virtual host's first name
    host,                    // Host header without port, lower-cased; else server_name
    scheme,                  // "http" or "https"
    method,
    request_uri,             // original request target, with query
    path,                    // current (decoded, normalised, possibly rewritten) path
    query,                   // query string without '?'
    query_mark,              // "?" when there is a query, else empty
    protocol,                // "HTTP/1.1"
    request_header,          // `value` names the header
    cookie,                  // `value` names the cookie
    query_arg,               // `value` names the argument
    regex_capture,           // `value` is the group number or name of the last regex match
    map,                     // `value` names a Config.maps entry
    upstream_host,           // host[:port] of the proxy target as written
    forwarded_for_appended,  // incoming X-Forwarded-For + ", " + client address
    // values known only after the response (logging)
    remote_user,             // HTTP basic-auth user name, "-" when none
    request_line, status, body_bytes_sent, bytes_sent, request_length, request_time,
    time_local, time_iso8601, msec, upstream_addr, upstream_status, upstream_response_time,
    connection_id, hostname,
    upstream_connect_time, upstream_header_time,  // seconds.millis like request_time ("-": none)
    upstream_pool,           // name of the pool that answered ("-": none)
    upstream_name,           // name of the server that answered ("-": none)
    upstream_retries,        // further attempts after the first
    connections_active,      // client connections open on the worker
    tls_active)              // "1" when the client connection is TLS, else "0" (HAProxy ssl_fc)

// A transformation applied to a variable's value, in order (HAProxy's converters).
// name: lower | upper | regsub (args: regex, replacement[, flags "g"/"i"]) |
// field (args: index, delimiters[, count]) | word (args: index, delimiters[, count]).
struct Converter {
  std::string name;
  std::vector<std::string> args;
};
BOOST_DESCRIBE_STRUCT(Converter, (), (name, args))

struct TemplatePart {
  TemplatePart() = default;
  // Most parts have no converters: {var, value} stays the short way to write one.
  TemplatePart(Var v, std::string val, std::vector<Converter> convs = {})
      : var(v), value(std::move(val)), converters(std::move(convs)) {}

  Var var = Var::literal;
  std::string value;
  std::vector<Converter> converters;  // applied to the value in order; literals have none
};
BOOST_DESCRIBE_STRUCT(TemplatePart, (), (var, value, converters))

struct Template {
  std::vector<TemplatePart> parts;
};
BOOST_DESCRIBE_STRUCT(Template, (), (parts))

// ---- globals -----------------------------------------------------------------------------

struct LogTarget {
  SourceLoc loc;
  std::string path;   // file, "stderr", or "syslog:..."
  std::string level;  // error log only: debug|info|notice|warn|error|crit|alert|emerg
};
BOOST_DESCRIBE_STRUCT(LogTarget, (), (loc, path, level))

struct Globals {
  std::optional<int> worker_threads;  // null: one per core
  int worker_connections = 512;       // per worker
  std::string pid_file;
  bool daemon = true;
  std::string user;
  std::vector<LogTarget> error_logs;
};
BOOST_DESCRIBE_STRUCT(Globals, (), (worker_threads, worker_connections, pid_file, daemon, user, error_logs))

// ---- maps (derived variables) --------------------------------------------------------------

BOOST_DEFINE_ENUM_CLASS(MapMatch, exact, wildcard_prefix, wildcard_suffix, regex, regex_i)

struct MapEntry {
  SourceLoc loc;
  MapMatch match = MapMatch::exact;
  std::string pattern;  // exact text, regex, or the wildcard with its '*' ("*.example.com")
  Template value;
};
BOOST_DESCRIBE_STRUCT(MapEntry, (), (loc, match, pattern, value))

// Lookup order (nginx's): exact strings (compared ignoring case), longest wildcard
// prefix, longest wildcard suffix (wildcards only with `hostnames`), regexes in file
// order, then `default_value` (empty when not given).
struct Map {
  SourceLoc loc;
  std::string name;
  Template source;
  bool hostnames = false;
  std::vector<MapEntry> entries;
  Template default_value;
};
BOOST_DESCRIBE_STRUCT(Map, (), (loc, name, source, hostnames, entries, default_value))

// ---- logging ----------------------------------------------------------------------------------

BOOST_DEFINE_ENUM_CLASS(LogEscape, standard, json, none)

struct LogFormat {
  SourceLoc loc;
  std::string name;
  LogEscape escape = LogEscape::standard;
  Template format;
};
BOOST_DESCRIBE_STRUCT(LogFormat, (), (loc, name, escape, format))

struct AccessLog {
  SourceLoc loc;
  std::string path;
  std::string format;  // a Config.log_formats name
};
BOOST_DESCRIBE_STRUCT(AccessLog, (), (loc, path, format))

// ---- pools ----------------------------------------------------------------------------------

struct UpstreamServer {
  SourceLoc loc;
  std::string name;     // the source's name for it (HAProxy `server NAME`); "" when unnamed
  std::string address;  // IP or host name; "unix:/path" for a socket
  int port = 0;         // 0 for unix sockets
  int weight = 1;
  int max_fails = 1;             // passive health: failures within fail_timeout_ms...
  int64_t fail_timeout_ms = 10000;  // ...take the server out for fail_timeout_ms; 0 max_fails: never
  bool backup = false;           // used only when every primary is unavailable
  bool down = false;             // administratively down at start
  int max_conns = 0;             // 0: unlimited
  std::string cookie;            // its value of the pool's persistence cookie; "": none
};
BOOST_DESCRIBE_STRUCT(UpstreamServer, (), (loc, name, address, port, weight, max_fails, fail_timeout_ms, backup, down, max_conns,
                                           cookie))

BOOST_DEFINE_ENUM_CLASS(Balance,
    round_robin,     // smooth weighted round robin
    least_conn,      // weighted least connections, ties by round robin
    ip_hash,         // IPv4: first three octets; IPv6: whole address
    hash,            // `key` template; `consistent` selects ketama
    random,          // weighted random; `choices` 2 = power of two choices
    first,
    cookie)          // sticky (Caddy): the server whose signed address cookie `key` holds, else
                     // a random one and the cookie set to its signed address

// How weighted round robin interleaves servers: nginx's smooth algorithm (weights 3:1
// give a a b a) or HAProxy's, which places each server at positions spaced total/weight
// apart and brings servers in by weight (3:1 gives a a a b).
BOOST_DEFINE_ENUM_CLASS(WeightedOrder, smooth, positional)

struct Balancing {
  Balance policy = Balance::round_robin;
  WeightedOrder weighted_order = WeightedOrder::smooth;  // round_robin only
  int rotation_offset = 0;  // round_robin: starts as if it had picked this many times (Caddy: 1)
  Template key;            // hash: what is hashed; cookie: the cookie's name (a literal)
  bool consistent = false; // hash only
  // hash with consistent: Caddy 2.6's highest random weight (the server with the largest
  // FNV-1a 32 of key + "host:port"; an empty key picks at random), not nginx's ketama ring
  bool rendezvous = false;
  int choices = 1;         // random only: servers drawn before `choice_policy` picks
  Balance choice_policy = Balance::least_conn;  // random with choices > 1
  std::string secret;      // cookie only: the HMAC-SHA256 key of the cookie's value (Caddy)
};
BOOST_DESCRIBE_STRUCT(Balancing, (), (policy, weighted_order, rotation_offset, key, consistent, rendezvous, choices,
                                      choice_policy, secret))

struct Keepalive {
  int max_idle = 0;               // idle connections cached per worker; 0: no reuse
  int64_t idle_timeout_ms = 60000;
  int max_requests = 1000;        // per connection
};
BOOST_DESCRIBE_STRUCT(Keepalive, (), (max_idle, idle_timeout_ms, max_requests))

struct HealthCheck {
  std::string uri = "/";
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t interval_ms = 2000;
  int64_t timeout_ms = 2000;
  std::vector<int> expect_status;  // empty: any 2xx/3xx
  std::string expect_body_regex;
  int rise = 2;
  int fall = 3;
  int port = 0;                // 0: each server's own port
  bool connect_only = false;   // a TCP connect is the whole check (no HTTP request sent)
};
BOOST_DESCRIBE_STRUCT(HealthCheck, (), (uri, method, headers, interval_ms, timeout_ms, expect_status, expect_body_regex, rise, fall, port, connect_only))

// A persistence cookie the proxy inserts (HAProxy `cookie NAME insert`): a request whose
// cookie NAME is an available server's `cookie` goes to that server; any other is
// balanced, and the server's answer sets NAME to the chosen server's value (an expired
// empty one when it has none).
struct CookiePersistence {
  SourceLoc loc;
  std::string name;
  bool indirect = false;  // taken out of the request the server gets
  bool nocache = false;   // an answer that sets it and could be cached says "Cache-control: private"
  bool httponly = false;
  bool secure = false;
  std::vector<std::string> domains;  // one "; domain=D" each
};
BOOST_DESCRIBE_STRUCT(CookiePersistence, (), (loc, name, indirect, nocache, httponly, secure, domains))

struct Pool {
  SourceLoc loc;
  std::string name;
  bool implicit = false;  // made from an address in a proxy directive, not a declared pool
  std::vector<UpstreamServer> servers;
  Balancing balancing;
  Keepalive keepalive;
  std::optional<HealthCheck> health_check;  // null: no active checks
  // Passive health beyond connection errors: responses with these statuses, or slower
  // than failure_latency_ms (0: no bound), count as failures (Caddy unhealthy_*).
  std::vector<int> failure_statuses;
  int64_t failure_latency_ms = 0;
  std::optional<CookiePersistence> persistence;  // null: none
};
BOOST_DESCRIBE_STRUCT(Pool, (), (loc, name, implicit, servers, balancing, keepalive, health_check, failure_statuses, failure_latency_ms,
                                 persistence))

// ---- matchers -------------------------------------------------------------------------------

BOOST_DEFINE_ENUM_CLASS(MatchOp, all, any, not_, predicate)
BOOST_DEFINE_ENUM_CLASS(PredKind,
    path_exact, path_prefix, path_regex,  // on the normalised path
    host, header_present, header_exact, header_regex, method, query, client_cidr, scheme, upgrade,
    query_arg,          // the query has an argument `name` equal to `value`
    query_arg_present)  // the query has an argument `name`

struct Predicate {
  PredKind kind = PredKind::path_prefix;
  std::string name;   // header name for header_*
  std::string value;  // path, pattern, CIDR, method...
  bool case_insensitive = false;
};
BOOST_DESCRIBE_STRUCT(Predicate, (), (kind, name, value, case_insensitive))

// all/any of `children` (all of none is true), not_ of its one child, or one predicate.
struct Matcher {
  MatchOp op = MatchOp::all;
  std::optional<Predicate> predicate;
  std::vector<Matcher> children;
};
BOOST_DESCRIBE_STRUCT(Matcher, (), (op, predicate, children))

// ---- actions ----------------------------------------------------------------------------------

BOOST_DEFINE_ENUM_CLASS(HeaderOpKind, set, add, remove,
                        replace,        // each match of regex `search` in the value replaced by `value`
                        add_if_absent)  // add only when the request has no such header

struct HeaderOp {
  SourceLoc loc;
  HeaderOpKind op = HeaderOpKind::set;
  std::string name;
  Template value;
  // Response headers: false applies only to 200 201 204 206 301 302 303 304 307 308.
  bool always = true;
  std::string search;                       // replace only: a regex
  std::vector<std::string> except_clients;  // CIDRs: the op is skipped for these clients
  // set/add whose value evaluates to empty: true sends no field (nginx), false sends
  // the field with an empty value (HAProxy).
  bool omit_empty = true;
};
BOOST_DESCRIBE_STRUCT(HeaderOp, (), (loc, op, name, value, always, search, except_clients, omit_empty))

BOOST_DEFINE_ENUM_CLASS(UpstreamProtocol, http1_0, http1_1, h2, grpc)
BOOST_DEFINE_ENUM_CLASS(UriMode,
    unchanged,       // the client's URI as received (after rewrites)
    replace_prefix,  // `prefix` (the matched route prefix) replaced by `uri`
    replace)         // `uri` replaces the whole path and query

struct Timeouts {
  int64_t connect_ms = 60000;
  int64_t send_ms = 60000;  // between two successive writes
  int64_t read_ms = 60000;  // between two successive reads
  int64_t tunnel_ms = 0;    // idle timeout of an upgraded (WebSocket) tunnel; 0: read_ms/send_ms
};
BOOST_DESCRIBE_STRUCT(Timeouts, (), (connect_ms, send_ms, read_ms, tunnel_ms))

struct Buffering {
  bool response = true;            // false: stream each chunk to the client at once
  bool request = true;             // read the whole request body before connecting
  int64_t header_buffer_bytes = 4096;
  int body_buffers = 8;
  int64_t body_buffer_bytes = 4096;
};
BOOST_DESCRIBE_STRUCT(Buffering, (), (response, request, header_buffer_bytes, body_buffers, body_buffer_bytes))

BOOST_DEFINE_ENUM_CLASS(RetryOn, error, timeout, invalid_header, http_500, http_502, http_503,
                        http_504, http_403, http_404, http_429, non_idempotent)

struct Retry {
  std::vector<RetryOn> on;  // empty: never retry on another server
  int max_tries = 0;        // 0: every server once
  int64_t timeout_ms = 0;   // 0: unbounded
  int64_t interval_ms = 0;  // wait between two tries
};
BOOST_DESCRIBE_STRUCT(Retry, (), (on, max_tries, timeout_ms, interval_ms))

BOOST_DEFINE_ENUM_CLASS(RedirectRewriteMode, off, automatic, rules)

struct RedirectRule {
  SourceLoc loc;
  std::string from;  // prefix, or regex when `regex`
  bool regex = false;
  bool case_insensitive = false;
  Template to;
};
BOOST_DESCRIBE_STRUCT(RedirectRule, (), (loc, from, regex, case_insensitive, to))

// Rewriting of Location/Refresh in upstream responses (nginx proxy_redirect).
struct RedirectRewrite {
  RedirectRewriteMode mode = RedirectRewriteMode::automatic;
  std::vector<RedirectRule> rules;  // automatic: derived from the proxy target and route
};
BOOST_DESCRIBE_STRUCT(RedirectRewrite, (), (mode, rules))

struct ProxyAction {
  std::string pool;                       // a Config.pools name; empty when dynamic
  std::string authority;                  // upstream_host's value: the target as written
  std::optional<Template> dynamic_target; // per request: a pool name, else host[:port]
  std::string scheme = "http";            // http|https|grpc|grpcs to the upstream
  UpstreamProtocol protocol = UpstreamProtocol::http1_0;
  UriMode uri_mode = UriMode::unchanged;
  std::string prefix;                     // replace_prefix: the part replaced
  Template uri;
  bool upgrade = false;                   // WebSocket/Upgrade tunnels allowed
  Timeouts timeouts;
  Buffering buffering;
  Retry retry;
  RedirectRewrite redirect_rewrite;
  int no_server_status = 502;  // the answer when no server can be tried (HAProxy: 503)
  int connect_error_status = 502;  // the answer when connecting to the last server failed (HAProxy: 503)
  // The fields the route's `set` operations write go first, in the operations' order,
  // then the client's own (nginx builds the upstream request so); else set fields
  // come after the client's.
  bool set_headers_first = false;
};
BOOST_DESCRIBE_STRUCT(ProxyAction, (), (pool, authority, dynamic_target, scheme, protocol, uri_mode, prefix, uri, upgrade, timeouts, buffering, retry, redirect_rewrite, no_server_status, connect_error_status, set_headers_first))

struct RespondAction {
  int status = 200;
  std::optional<Template> body;  // null: the server's standard page for `status`
};
BOOST_DESCRIBE_STRUCT(RespondAction, (), (status, body))

struct RedirectAction {
  int status = 302;
  Template location;
};
BOOST_DESCRIBE_STRUCT(RedirectAction, (), (status, location))

BOOST_DEFINE_ENUM_CLASS(ActionKind,
    proxy, respond, redirect,
    static_files)  // the dialect would serve files; proxyglot answers 404 (diagnosed)

struct Action {
  ActionKind kind = ActionKind::static_files;
  std::optional<ProxyAction> proxy;
  std::optional<RespondAction> respond;
  std::optional<RedirectAction> redirect;
};
BOOST_DESCRIBE_STRUCT(Action, (), (kind, proxy, respond, redirect))

// ---- rewrites, error pages, access ------------------------------------------------------------

BOOST_DEFINE_ENUM_CLASS(RewriteKind, rewrite, respond, redirect)
BOOST_DEFINE_ENUM_CLASS(RewriteFlag,
    continue_,  // go on with the next step; re-select the route afterwards if the path changed
    last,       // stop the steps, re-select the route with the new path
    break_,     // stop the steps, stay on this route
    redirect)   // stop and answer with `status` and Location: the replacement

// One step of a rewrite program (nginx's rewrite phase): run in order.
struct RewriteStep {
  SourceLoc loc;
  RewriteKind kind = RewriteKind::rewrite;
  std::string regex;              // rewrite: matched against the path
  Template replacement;           // rewrite: new path (or URL); respond: body; redirect: URL
  bool append_query = true;       // rewrite: keep the original query after the replacement
  RewriteFlag flag = RewriteFlag::continue_;
  int status = 0;                 // respond/redirect and rewrite with flag redirect
  bool has_body = false;          // respond: whether `replacement` is the body
};
BOOST_DESCRIBE_STRUCT(RewriteStep, (), (loc, kind, regex, replacement, append_query, flag, status, has_body))

BOOST_DEFINE_ENUM_CLASS(ErrorStatus, keep, set, from_target)
BOOST_DEFINE_ENUM_CLASS(ErrorTarget, uri, named_route, redirect)

struct ErrorPage {
  SourceLoc loc;
  std::vector<int> codes;
  ErrorStatus status_mode = ErrorStatus::keep;
  int status = 0;  // status_mode set
  ErrorTarget target_kind = ErrorTarget::uri;
  Template target;  // a path to re-dispatch, a named route, or a redirect URL
};
BOOST_DESCRIBE_STRUCT(ErrorPage, (), (loc, codes, status_mode, status, target_kind, target))

struct AccessRule {
  SourceLoc loc;
  bool allow = true;
  std::string cidr;  // "all" matches every client
};
BOOST_DESCRIBE_STRUCT(AccessRule, (), (loc, allow, cidr))

struct ClientLimits {
  int64_t max_body_bytes = 1048576;       // 0: unlimited; over it: 413
  int64_t keepalive_timeout_ms = 75000;   // idle client connection; 0: no keepalive
  int64_t idle_timeout_ms = 0;            // client inactivity while a request is in progress; 0: none
  // The request head (read before routing: the listener's default host's fallback
  // route decides). Defaults: nginx's large_client_header_buffers 4 8k.
  int64_t header_block_bytes = 32768;     // request line and headers; over it: header_limit_status
  int64_t header_line_bytes = 8192;       // one header line; over it: 400; 0: the block limit only
  int64_t request_line_bytes = 8192;      // over it: 414; 0: the block limit only
  int header_count = 0;                   // over it: header_limit_status; 0: unlimited
  int header_limit_status = 400;
};
BOOST_DESCRIBE_STRUCT(ClientLimits, (), (max_body_bytes, keepalive_timeout_ms, idle_timeout_ms, header_block_bytes,
                                         header_line_bytes, request_line_bytes, header_count, header_limit_status))

// ---- routes, virtual hosts, listeners -----------------------------------------------------------

struct Route {
  SourceLoc loc;
  std::string name;        // what the user wrote, e.g. "location ^~ /static/"
  Matcher match;
  bool internal = false;   // only reachable by internal redirects; a client request gets 404
  std::vector<RewriteStep> rewrites;
  std::vector<AccessRule> access;  // first match wins; no rule: allow; denied: 403
  Action action;
  std::vector<HeaderOp> request_headers;   // applied to the upstream request, in order
  std::vector<HeaderOp> response_headers;  // applied to the client response, in order
  std::vector<ErrorPage> error_pages;
  ClientLimits limits;
  std::string default_type = "text/plain";
  std::vector<AccessLog> access_logs;      // empty: not logged
};
BOOST_DESCRIBE_STRUCT(Route, (), (loc, name, match, internal, rewrites, access, action, request_headers, response_headers, error_pages, limits, default_type, access_logs))

BOOST_DEFINE_ENUM_CLASS(NameKind, exact, wildcard_prefix, wildcard_suffix, regex)

struct ServerName {
  SourceLoc loc;
  NameKind kind = NameKind::exact;
  std::string value;  // wildcards keep their '*': "*.example.com", "www.example.*"
};
BOOST_DESCRIBE_STRUCT(ServerName, (), (loc, kind, value))

struct Certificate {
  SourceLoc loc;
  std::string certificate;  // PEM file
  std::string key;          // PEM file
};
BOOST_DESCRIBE_STRUCT(Certificate, (), (loc, certificate, key))

struct TlsSettings {
  std::vector<Certificate> certificates;
  std::vector<std::string> protocols;  // "TLSv1.2", "TLSv1.3"...
  bool generated_certificates = false;  // certificates for the names made at run time (Caddy's automatic HTTPS)
};
BOOST_DESCRIBE_STRUCT(TlsSettings, (), (certificates, protocols, generated_certificates))

struct RealIp {
  std::vector<std::string> trusted;  // CIDRs whose forwarded header is believed
  std::string header = "X-Real-IP";   // or X-Forwarded-For, or "proxy_protocol"
  bool recursive = false;             // walk the header right to left past trusted hops
};
BOOST_DESCRIBE_STRUCT(RealIp, (), (trusted, header, recursive))

// Selection: a request picks the listener it arrived on, then the virtual host whose
// names match its Host (exact, longest wildcard prefix, longest wildcard suffix, regexes
// in order), else the listener's default. Then rewrites, then the first matching route.
struct VirtualHost {
  SourceLoc loc;
  std::vector<ServerName> names;
  std::vector<int> listeners;               // indexes into Config.listeners
  std::optional<TlsSettings> tls;           // for TLS listeners
  RealIp real_ip;
  std::vector<RewriteStep> rewrites;        // before route selection
  std::vector<Route> routes;                // ordered, first match wins
  std::vector<Route> named_routes;          // only reachable by name (nginx @name)
  Route fallback;                           // when no route matches
};
BOOST_DESCRIBE_STRUCT(VirtualHost, (), (loc, names, listeners, tls, real_ip, rewrites, routes, named_routes, fallback))

struct Listener {
  SourceLoc loc;
  std::string address;  // "0.0.0.0", "::", an IP, or "unix:/path"
  int port = 0;
  bool tls = false;
  bool http2 = false;
  std::optional<int> default_virtual_host;  // index into Config.virtual_hosts
};
BOOST_DESCRIBE_STRUCT(Listener, (), (loc, address, port, tls, http2, default_virtual_host))

// The proxy's own answers (errors it generates, redirects), as the product writes them.
struct PageText {
  int status = 0;
  std::string body;
};
BOOST_DESCRIBE_STRUCT(PageText, (), (status, body))

struct GeneratedResponses {
  bool absolute_redirects = true;  // a relative Location becomes scheme://host[:port]/path (nginx)
  bool redirect_body = true;       // redirects carry a small HTML page (nginx); else none
  std::vector<PageText> pages;     // the product's page for a status (HAProxy's errorfiles)
  bool listed_pages_only = false;  // a status without a page gets no body (Caddy); else the runtime's page
  std::vector<std::pair<std::string, std::string>> page_fields;  // sent with every error page
};
BOOST_DESCRIBE_STRUCT(GeneratedResponses, (), (absolute_redirects, redirect_body, pages, listed_pages_only, page_fields))

struct Config {
  int schema_version = kSchemaVersion;
  std::string source_dialect;  // nginx|caddy|haproxy
  SourceLoc loc;
  Globals globals;
  std::vector<Listener> listeners;
  std::vector<VirtualHost> virtual_hosts;
  std::vector<Pool> pools;
  std::vector<Map> maps;
  std::vector<LogFormat> log_formats;
  GeneratedResponses responses;
};
BOOST_DESCRIBE_STRUCT(Config, (), (schema_version, source_dialect, loc, globals, listeners, virtual_hosts, pools, maps, log_formats, responses))

}  // namespace pg::ir
