// What the keywords of one HAProxy proxy section say, collected before the IR is built:
// `defaults` sections are Settings copied into the proxies that follow them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "haproxy/syntax.h"
#include "ir/ir.h"

namespace pg::haproxy {

enum Section : uint32_t {
  kNone = 0,
  kGlobal = 1u << 0,
  kDefaults = 1u << 1,
  kFrontend = 1u << 2,
  kBackend = 1u << 3,
  kListen = 1u << 4,  // a listen section is a frontend and a backend in one
};
inline constexpr uint32_t kProxies = kDefaults | kFrontend | kBackend | kListen;
inline constexpr uint32_t kFront = kDefaults | kFrontend | kListen;  // frontend capability
inline constexpr uint32_t kBack = kDefaults | kBackend | kListen;    // backend capability

struct Timed {
  bool set = false;
  int64_t ms = 0;
  SourceLoc loc;
};

struct ForwardFor {
  bool on = false;
  SourceLoc loc;
  std::string header = "X-Forwarded-For";
  std::vector<std::string> except;  // CIDRs
  bool if_none = false;
};

// A server line's parameters; default-server sets the starting values.
struct ServerParams {
  bool check = false;
  int64_t inter_ms = 2000, fastinter_ms = 0, downinter_ms = 0;
  int rise = 2, fall = 3, weight = 1, maxconn = 0;
  bool backup = false, disabled = false, ssl = false;
  std::string verify;  // "none" | "required" | "" (not given)
  std::string cookie;  // `cookie VALUE`: the persistence cookie's value for it
};

struct Server {
  SourceLoc loc;
  std::string name;
  std::string host;
  int port = 0;
  ServerParams params;
};

struct HttpCheck {
  bool on = false;  // option httpchk given: checks send an HTTP request
  SourceLoc loc;
  std::string method = "OPTIONS", uri = "/", version = "HTTP/1.0";
  std::vector<std::pair<std::string, std::string>> headers;
  bool has_expect = false;
  std::vector<int> expect_status;
  std::string expect_body_regex;
};

enum class ConnMode { keep_alive, server_close, close };

struct ErrorFile {
  SourceLoc loc;
  int code = 0;
  std::string file;
  int status = 0;  // the status line of the file
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool http_error = false;  // from `http-error` (a reply HAProxy builds), not an `errorfile`
};

struct LogTarget {
  SourceLoc loc;
  std::string target, facility, level;
  std::string format = "rfc3164";  // `format F`: raw, rfc3164, rfc5424, short, priority

  // The IR's destination for this target (docs/ir.md, AccessLog.path).
  std::string ir_path() const;
  // Traffic logs are sent at level info: a target whose max level is more severe
  // (`log /dev/log local0 notice`) never receives them.
  bool takes_traffic_logs() const;
};

// What a `defaults` section passes on (and what each proxy may override).
struct Settings {
  std::string mode = "tcp";  // HAProxy's default mode
  SourceLoc mode_loc;
  std::map<std::string, Timed> timeouts;  // connect, client, server, tunnel, http-request...
  ForwardFor forwardfor;
  bool httplog = false;
  ConnMode conn_mode = ConnMode::keep_alive;
  bool redispatch = false;
  int retries = 3;
  ir::Balancing balancing;
  bool balance_set = false;
  SourceLoc balance_loc;
  bool hash_consistent = false;
  std::optional<ir::CookiePersistence> cookie;  // `cookie NAME insert ...`
  ServerParams default_server;
  int maxconn = 0;
  bool log_global = false;
  std::vector<LogTarget> logs;
  HttpCheck httpchk;
  std::vector<ErrorFile> errorfiles;  // errorfile and http-error, one per status
  bool http_buffer_request = false;   // option http-buffer-request
  // retry-on: the IR's retry conditions; unset: HAProxy's default (conn-failure).
  bool retry_on_set = false;
  std::vector<ir::RetryOn> retry_on;
  SourceLoc retry_on_loc;
};

// `http-request deny deny_status 413 if { req.body_size gt N }`: the IR's body limit.
struct BodyLimit {
  SourceLoc loc;
  int64_t bytes = 0;
};

enum class RuleKind { set_header, add_header, del_header, set_path, replace_path, redirect, deny, return_ };

// One http-request/http-response rule, its values already lowered.
struct HttpRule {
  SourceLoc loc;
  RuleKind kind = RuleKind::set_header;
  std::string keyword;  // "http-request set-header", for messages
  std::string text;     // the whole line, for route names
  std::optional<ir::Matcher> condition;  // null: unconditional
  std::string name;           // header name
  ir::Template value;         // header value, path, body, redirect location
  std::string regex;          // replace-path
  int status = 0;             // deny/return/redirect
  std::string content_type;   // return
  bool has_body = false;      // return
  // set/add-header: no field when the value is empty (`set-header H %[req.hdr(H)] if
  // { req.hdr(H) -m found }`); HAProxy otherwise sends the empty value.
  bool omit_empty = false;
};

struct SwitchRule {
  SourceLoc loc;
  std::string backend;
  std::string text;  // "use_backend api if is_api"
  ir::Matcher condition;
};

// `http-request set-src req.hdr_ip(H[,-1]) [if { src CIDR... }]`: the IR's real client
// address (VirtualHost.real_ip).
struct SetSrc {
  SourceLoc loc;
  ir::RealIp real_ip;
};

struct Bind {
  SourceLoc loc;
  std::string host;
  int port = 0;
  bool ssl = false;
  std::vector<std::string> crts;
  std::vector<std::string> alpn;
};

struct Proxy {
  Section kind = kFrontend;
  std::string name;
  SourceLoc loc;
  Settings settings;
  std::vector<Bind> binds;
  std::map<std::string, std::vector<ir::Matcher>> acls;  // same-name lines are ORed
  std::vector<SwitchRule> switching;
  std::optional<SwitchRule> default_backend;
  std::vector<HttpRule> request_rules;
  std::vector<HttpRule> response_rules;
  std::vector<HttpRule> redirect_rules;  // the legacy `redirect` keyword
  std::vector<Server> servers;
  std::optional<BodyLimit> body_limit;
  std::map<std::string, BodyLimit> body_size_acls;  // `acl NAME req.body_size gt|ge N`
  bool terminal_seen = false;  // an http-request rule that answers was read
  std::optional<SetSrc> set_src;
};

}  // namespace pg::haproxy
