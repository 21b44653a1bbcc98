#include "haproxy/keyword_table.h"

#include <unordered_map>

#include <fmt/format.h>

#include "haproxy/handlers.h"
#include "support_matrix.h"

namespace pg::haproxy {

namespace h = handlers;

namespace {

constexpr uint32_t kG = kGlobal, kD = kDefaults, kF = kFrontend | kListen, kB = kBackend | kListen;
constexpr uint32_t kAll = kProxies;
constexpr bool W = true;  // warn_elsewhere

std::vector<KeywordSpec> make_table() {
  // clang-format off
  std::vector<KeywordSpec> t = {
    // name, sections, min, max, handler, summary, warn_elsewhere
    {"maxconn",        kG, 1, 1, h::maxconn_global, "total client connections"},
    {"nbthread",       kG, 1, 1, h::nbthread, "worker threads"},
    {"log",            kG, 2, 10, h::log_global_section, "target [len N] [format F] [sample R:S] facility [max [min]]"},
    {"stats socket",   kG, 1, kMany, h::stats_socket, "admin socket (warned: the IR has no admin socket)"},
    {"setenv",         kG, 2, 2, h::environment, "NAME value, for later ${NAME}"},
    {"presetenv",      kG, 2, 2, h::environment, "NAME value, unless already set"},
    {"unsetenv",       kG, 1, kMany, h::environment, "NAME..."},
    {"resetenv",       kG, 0, kMany, h::environment, "[NAME...] kept, the rest removed"},
    {"daemon",         kG, 0, 0, h::daemon, "run in the background"},
    {"user",           kG, 1, 1, h::user, "user to run as"},
    {"pidfile",        kG, 1, 1, h::pidfile, "pid file path"},

    {"mode",           kAll, 1, 1, h::mode, "http (tcp and health are not supported yet)"},
    {"timeout connect", kD | kB, 1, 1, h::timeout, "time to connect to a server", W},
    {"timeout client", kD | kF, 1, 1, h::timeout, "client inactivity", W},
    {"timeout server", kD | kB, 1, 1, h::timeout, "server inactivity (read and send)", W},
    {"timeout tunnel", kD | kB, 1, 1, h::timeout, "inactivity of upgraded (WebSocket) tunnels", W},
    {"timeout http-request", kAll, 1, 1, h::timeout, "time to receive a request's headers"},
    {"timeout http-keep-alive", kAll, 1, 1, h::timeout, "idle time between requests"},
    {"timeout queue",  kD | kB, 1, 1, h::timeout, "time queued for a server slot", W},
    {"timeout check",  kD | kB, 1, 1, h::timeout, "health check read timeout", W},
    {"timeout client-fin", kD | kF, 1, 1, h::timeout, "half-closed client inactivity", W},
    {"timeout server-fin", kD | kB, 1, 1, h::timeout, "half-closed server inactivity", W},
    {"timeout tarpit", kAll, 1, 1, nullptr, "", W},

    {"option httplog", kD | kF, 0, 1, h::option_httplog, "HTTP log format for `log` targets", W},
    {"option dontlognull", kD | kF, 0, 0, h::option_dontlognull, "no log of empty connections (no effect on traffic)", W},
    {"option forwardfor", kAll, 0, 5, h::option_forwardfor, "[except net] [header name] [if-none]: adds X-Forwarded-For"},
    {"option http-server-close", kAll, 0, 0, h::option_http_server_close, "no keep-alive to servers"},
    {"option httpclose", kAll, 0, 0, h::option_httpclose, "no keep-alive on either side"},
    {"option http-keep-alive", kAll, 0, 0, h::option_http_keep_alive, "keep-alive on both sides (the default)"},
    {"option redispatch", kD | kB, 0, 1, h::option_redispatch, "retry on another server", W},
    {"option httpchk", kD | kB, 0, 3, h::option_httpchk, "[method] [uri] [version]: HTTP health checks", W},
    {"retries",        kD | kB, 1, 1, h::retries, "connection retries", W},
    {"retry-on",       kD | kB, 1, kMany, h::retry_on,
                       "conn-failure empty-response junk-response response-timeout 0rtt-rejected 403 404 500 502 503 504 "
                       "all-retryable-errors none: what a retry (with option redispatch) answers", W},
    {"option http-buffer-request", kAll, 0, 0, h::option_http_buffer_request,
                       "wait for the request body; with `http-request deny deny_status 413 if { req.body_size gt N }`: "
                       "the request body limit"},
    {"cookie",         kD | kB, 1, kMany, h::cookie,
                       "NAME insert [indirect] [nocache] [httponly] [secure] [domain D]...: persistence by a cookie "
                       "HAProxy inserts (rewrite, prefix and the other options are not supported yet)", W},
    {"balance",        kD | kB, 1, 2, h::balance,
                       "roundrobin static-rr leastconn first source uri url_param hdr(name) random hash", W},
    {"hash-type",      kD | kB, 1, 3, h::hash_type, "map-based | consistent [function] [modifier]", W},
    {"maxconn",        kD | kF, 1, 1, h::maxconn_proxy, "client connections of the proxy", W},
    {"log",            kAll, 1, 10, h::log_proxy, "global | target [len N] [format F] [sample R:S] facility [max [min]]"},
    {"errorfile",      kAll, 2, 2, h::errorfile, "code file: the response HAProxy sends for its own errors"},
    {"http-error",     kAll, 2, kMany, h::http_error,
                       "status N [content-type T] [string S | lf-string S (no variables) | file F | errorfile F] "
                       "[hdr N V]: HAProxy's page for status N"},
    {"http-check send", kD | kB, 0, kMany, h::http_check_send, "meth M uri U ver V hdr N V", W},
    {"http-check expect", kD | kB, 2, 3, h::http_check_expect, "[!] status|rstatus|string|rstring pattern", W},
    {"default-server", kD | kB, 0, kMany, h::default_server, "defaults for the server lines after it"},

    {"bind",           kF, 1, kMany, h::bind, "address:port [ssl crt file] [alpn list]"},
    {"acl",            kF | kB, 2, kMany, h::acl, "name fetch [flags] [patterns]"},
    {"use_backend",    kF, 1, kMany, h::use_backend, "backend [if|unless condition]"},
    {"default_backend", kF, 1, 1, h::default_backend, "backend used when no use_backend matches"},
    {"http-request set-header", kF | kB, 2, kMany, h::http_request, "name log-format [if|unless cond]"},
    {"http-request add-header", kF | kB, 2, kMany, h::http_request, "name log-format [if|unless cond]"},
    {"http-request del-header", kF | kB, 1, kMany, h::http_request, "name [if|unless cond]"},
    {"http-request set-path", kF | kB, 1, kMany, h::http_request, "log-format [if|unless cond]"},
    {"http-request replace-path", kF | kB, 2, kMany, h::http_request, "regex replacement [if|unless cond]"},
    {"http-request redirect", kF | kB, 2, kMany, h::http_request, "location|prefix|scheme X [code N]"},
    {"http-request deny", kF | kB, 0, kMany, h::http_request, "[deny_status N] [if|unless cond]"},
    {"http-request return", kF | kB, 0, kMany, h::http_request, "[status N] [content-type T] [string|lf-string S]"},
    {"http-request set-src", kF | kB, 1, kMany, h::http_request_set_src,
                       "req.hdr_ip(H[,-1]) [if { src CIDR... }, or an ACL on src] (frontends): the real client address "
                       "from a trusted proxy's header"},
    {"redirect",       kF | kB, 2, kMany, h::redirect, "location|prefix|scheme X [code N] [drop-query] [if|unless cond]"},
    {"http-response set-header", kF | kB, 2, kMany, h::http_response, "name log-format"},
    {"http-response add-header", kF | kB, 2, kMany, h::http_response, "name log-format"},
    {"http-response del-header", kF | kB, 1, kMany, h::http_response, "name"},

    {"server",         kB, 1, kMany, h::server,
                       "name address[:port] check inter fastinter downinter rise fall weight backup disabled maxconn ssl verify cookie"},
  };
  // clang-format on
  // HAProxy keywords recognised and rejected as not supported yet.
  for (std::string_view n : {"chroot", "group", "ca-base", "crt-base", "ssl-default-bind-ciphers",
                             "ssl-default-bind-ciphersuites", "ssl-default-bind-options",
                             "ssl-default-server-options", "ssl-default-server-ciphers", "tune.ssl.default-dh-param",
                             "tune.bufsize", "lua-load", "nbproc", "cpu-map", "stats timeout", "master-worker",
                             "spread-checks", "hard-stop-after", "uid", "gid", "quiet", "ulimit-n"})
    t.push_back({n, kG, 0, kMany, nullptr, ""});
  for (std::string_view n : {"option tcplog", "option httpchk-ssl", "option log-health-checks", "option abortonclose",
                             "option tcpka", "option clitcpka", "option srvtcpka",
                             "option allbackups", "option persist", "option http-pretend-keepalive",
                             "option httpslog", "option originalto", "option http-use-htx", "option checkcache",
                             "option splice-auto", "option socket-stats", "option http-no-delay",
                             "option log-separate-errors", "option tcp-check", "option ssl-hello-chk",
                             "option mysql-check", "option pgsql-check", "option redis-check", "option smtpchk",
                             "option ldap-check", "option nolinger", "option independent-streams",
                             "option accept-invalid-http-request", "option accept-invalid-http-response",
                             "http-request set-var", "http-request capture", "http-request auth", "http-request tarpit",
                             "http-request set-query", "http-request set-uri", "http-request replace-header",
                             "http-request replace-value", "http-request replace-uri", "http-request set-method",
                             "http-request use-service", "http-request track-sc0", "http-request track-sc1",
                             "http-request track-sc2", "http-request lua", "http-request allow",
                             "http-request set-log-level", "http-request early-hint",
                             "http-request normalize-uri", "http-request cache-use", "http-request set-priority-class",
                             "http-request wait-for-body", "http-request silent-drop", "http-request reject",
                             "http-response replace-header", "http-response replace-value", "http-response set-status",
                             "http-response deny", "http-response allow", "http-response set-var",
                             "http-response capture", "http-response cache-store", "http-response lua",
                             "http-response redirect", "http-response return", "http-response set-log-level",
                             "http-check connect", "http-check disable-on-404", "http-check send-state",
                             "http-check set-var", "http-check comment", "stats enable", "stats uri", "stats auth",
                             "stats refresh", "stats realm", "stats admin", "stats hide-version", "stats show-legends",
                             "stats scope", "stick-table", "stick", "tcp-request", "tcp-response",
                             "compression", "capture", "http-reuse", "monitor-uri", "errorloc",
                             "errorloc302", "errorloc303", "source", "unique-id-format", "unique-id-header",
                             "log-format", "filter", "http-errors", "errorfiles", "use-server", "force-persist",
                             "ignore-persist", "server-template", "dynamic-cookie-key", "email-alert", "fullconn",
                             "http-send-name-header", "rate-limit", "monitor", "description", "id", "disabled",
                             "enabled", "backlog", "grace", "persist", "dispatch", "load-server-state-from-file",
                             "external-check", "option external-check", "log-tag", "max-keep-alive-queue",
                             "http-after-response"})
    t.push_back({n, kAll, 0, kMany, nullptr, ""});
  return t;
}

}  // namespace

const std::vector<KeywordSpec>& keyword_table() {
  static const std::vector<KeywordSpec> t = make_table();
  return t;
}

bool is_family(std::string_view w) {
  return w == "option" || w == "timeout" || w == "http-request" || w == "http-response" || w == "http-check" ||
         w == "stats";
}

const KeywordSpec* find_keyword(std::string_view name, uint32_t section) {
  static const auto index = [] {
    std::unordered_multimap<std::string_view, const KeywordSpec*> m;
    for (const auto& s : keyword_table()) m.emplace(s.name, &s);
    return m;
  }();
  auto [first, last] = index.equal_range(name);
  const KeywordSpec* any = nullptr;
  for (auto it = first; it != last; ++it) {
    if (it->second->sections & section) return it->second;
    if (!any || it->second < any) any = it->second;
  }
  return any;
}

std::string section_names(uint32_t sections) {
  static const std::pair<uint32_t, const char*> names[] = {
      {kGlobal, "global"}, {kDefaults, "defaults"}, {kFrontend, "frontend"}, {kBackend, "backend"}, {kListen, "listen"}};
  std::string out;
  for (auto [bit, n] : names) {
    if (!(sections & bit)) continue;
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

namespace {


}  // namespace

std::string support_matrix_markdown() {
  std::string out =
      "# HAProxy support matrix\n\n"
      "Generated from the HAProxy keyword table (`proxyglot directives haproxy --markdown`);\n"
      "a test keeps this file equal to that output. Semantics follow HAProxy 2.6.\n\n"
      "## Supported\n\n"
      "| keyword | sections | arguments | notes |\n|---|---|---|---|\n";
  for (const auto& s : keyword_table()) {
    if (!s.handler) continue;
    out += fmt::format("| `{}` | {} | {} | {} |\n", s.name, section_names(s.sections), arity_text(s.min_args, s.max_args), s.summary);
  }
  out += "\n## Not supported yet\n\n"
         "These HAProxy keywords are recognised and rejected with\n"
         "`error: 'NAME' is not supported by proxyglot yet`; any other name gets\n"
         "HAProxy's own `unknown keyword 'NAME' in 'SECTION' section`.\n\n";
  std::vector<std::string_view> unsupported;
  for (const auto& s : keyword_table())
    if (!s.handler) unsupported.push_back(s.name);
  return out + wrapped_names(unsupported);
}

std::string keyword_listing() {
  std::string out;
  for (const auto& s : keyword_table()) {
    if (s.handler)
      out += fmt::format("{:<30} {:<28} {}\n", s.name, section_names(s.sections), s.summary);
    else
      out += fmt::format("{:<30} {:<28} {}\n", s.name, "-", "not supported yet");
  }
  return out;
}

}  // namespace pg::haproxy
