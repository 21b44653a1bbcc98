// State of one nginx lowering: the scopes collected while walking the directive tree
// (http -> server -> location, upstreams, maps), before build_ir turns them into the IR
// with nginx's inheritance and defaults applied. Internal to compiler/nginx.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diag/diagnostics.h"
#include "ir/ir.h"
#include "nginx/syntax.h"
#include "nginx/variables.h"

namespace pg::nginx {

// Contexts a directive may appear in (nginx's NGX_*_CONF flags).
enum Ctx : uint32_t {
  kMain = 1u << 0,
  kEvents = 1u << 1,
  kHttp = 1u << 2,
  kServer = 1u << 3,
  kLocation = 1u << 4,
  kUpstream = 1u << 5,
  kAnyHttp = kHttp | kServer | kLocation,
};

template <class T>
using Opt = std::optional<T>;

// Settings that nginx inherits http -> server -> location: a level's own value, or
// nullopt to take the enclosing level's. Array directives (proxy_set_header,
// add_header, error_page, allow/deny...) are inherited whole, only when the level
// defines none of its own - which is exactly an optional vector.
struct Settings {
  Opt<std::vector<ir::HeaderOp>> proxy_headers;
  Opt<std::vector<ir::HeaderOp>> grpc_headers;
  Opt<std::vector<ir::HeaderOp>> add_headers;
  Opt<ir::UpstreamProtocol> proxy_http_version;
  Opt<int64_t> connect_timeout, send_timeout, read_timeout;
  Opt<bool> buffering;
  Opt<int64_t> buffer_size;
  Opt<std::pair<int, int64_t>> buffers;
  Opt<std::vector<ir::RetryOn>> next_upstream;
  Opt<int> next_upstream_tries;
  Opt<int64_t> next_upstream_timeout;
  Opt<ir::RedirectRewrite> proxy_redirect;
  Opt<int64_t> client_max_body_size;
  Opt<int64_t> keepalive_timeout;
  Opt<std::string> default_type;
  Opt<std::vector<ir::AccessLog>> access_logs;
  Opt<std::vector<ir::ErrorPage>> error_pages;
  Opt<std::vector<ir::AccessRule>> access;
  Opt<std::vector<std::string>> real_ip_from;
  Opt<std::string> real_ip_header;
  Opt<bool> real_ip_recursive;
  Opt<std::vector<std::string>> ssl_certificates;
  Opt<std::vector<std::string>> ssl_certificate_keys;
  Opt<std::vector<std::string>> ssl_protocols;
  SourceLoc ssl_certificate_loc;
  // Each with the directive that gave it, for diagnostics.
  Opt<std::pair<bool, SourceLoc>> absolute_redirect;
  Opt<bool> request_buffering;                      // proxy_request_buffering
  Opt<std::vector<ir::HeaderOp>> hide_headers;      // proxy_hide_header, as removals
  Opt<int64_t> grpc_connect_timeout, grpc_send_timeout, grpc_read_timeout;
  Opt<int64_t> client_header_buffer_size;
  Opt<std::pair<int, int64_t>> large_client_header_buffers;
  Opt<std::pair<int64_t, SourceLoc>> client_header_timeout, client_body_timeout, client_send_timeout;
};

// `inner` with every unset setting taken from `outer`.
Settings merge(const Settings& inner, const Settings& outer);

struct ProxyPass {
  SourceLoc loc;
  bool grpc = false;
  std::string scheme;           // http https grpc grpcs
  std::string target;           // upstream name or host[:port], possibly with variables
  bool has_uri = false;
  std::string uri;              // the URI part, variables allowed
  bool dynamic = false;         // variables in the target: resolved per request
  bool dynamic_uri = false;     // variables anywhere: the URI part replaces the whole URI
};

enum class LocKind { prefix, exact, noregex, regex, regex_i, named };

struct LocationNode {
  SourceLoc loc;       // report location (the '{' line)
  LocKind kind = LocKind::prefix;
  std::string path;    // prefix, exact path, regex, or "@name"
  std::string label;   // "location ^~ /static/"
  Settings settings;
  Opt<ProxyPass> proxy;
  std::vector<ir::RewriteStep> rewrites;
  bool internal = false;
  bool auto_redirect = false;  // a proxied prefix ending in '/': 301 for the path without it
  std::vector<LocationNode> children;
};

struct Listen {
  SourceLoc loc;
  std::string address;
  int port = 80;
  bool default_server = false;
  bool ssl = false;
  bool http2 = false;
};

struct ServerNode {
  SourceLoc loc;
  std::vector<Listen> listens;
  std::vector<ir::ServerName> names;
  bool has_server_name = false;
  Settings settings;
  std::vector<ir::RewriteStep> rewrites;
  std::vector<LocationNode> locations;
};

struct UpstreamNode {
  ir::Pool pool;
  SourceLoc balancing_loc;
  bool balancing_set = false;
  bool keepalive_set = false;
};

struct HttpScope {
  bool present = false;
  SourceLoc loc;
  Settings settings;
  std::vector<UpstreamNode> upstreams;
  std::vector<ir::Map> maps;
  std::vector<ir::LogFormat> log_formats;
  std::vector<ServerNode> servers;
};

// One open block while walking.
struct Frame {
  explicit Frame(Ctx c) : ctx(c) {}
  Ctx ctx = kMain;
  Settings* settings = nullptr;
  ServerNode* server = nullptr;
  LocationNode* location = nullptr;
  UpstreamNode* upstream = nullptr;
  std::set<std::string> seen;  // directives already given here, for "is duplicate"
};

class Lowerer {
 public:
  Lowerer(Diagnostics& diags, std::string file) : diags_(diags), file_(std::move(file)) {}

  void walk(const std::vector<Directive>& directives, Frame frame);
  ir::Config build();  // build_ir.cpp

  // --- for handlers ---
  Frame& frame() { return stack_.back(); }
  Diagnostics& diags() { return diags_; }
  VariableNames& names() { return names_; }
  HttpScope& http() { return http_; }
  ir::Globals& globals() { return globals_; }
  bool events_seen = false;

  void error(const Directive& d, const std::string& message);
  void warning(const Directive& d, const std::string& message);
  // Where to point at argument `i` of `d`: the argument itself when nginx's report
  // line is its line, else the report line.
  SourceLoc arg_loc(const Directive& d, size_t i) const;
  void arg_error(const Directive& d, size_t i, const std::string& message);
  void invalid_value(const Directive& d, size_t i);  // nginx: "x" directive invalid value
  Opt<ir::Template> tmpl(const Directive& d, size_t i);
  Opt<ir::Template> tmpl(const std::string& text, const SourceLoc& at);
  // Validates a PCRE2 regex as nginx compiles it; reports pcre2_compile() errors.
  bool check_regex(const Directive& d, size_t i, const std::string& regex, bool caseless);

 private:
  void dispatch(const Directive& d);

  Diagnostics& diags_;
  std::string file_;
  VariableNames names_;
  ir::Globals globals_;
  HttpScope http_;
  std::vector<Frame> stack_;
};

}  // namespace pg::nginx
