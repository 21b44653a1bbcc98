// State of one Caddyfile lowering: global options, the site being lowered, the
// handler items collected per block (ordered and emitted as IR routes by
// route_order), the reverse_proxy being built. Internal to compiler/caddy.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "caddy/syntax.h"
#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::caddy {

// Where a line may appear.
enum Ctx : uint32_t {
  kGlobal = 1u << 0,     // the global options block
  kSite = 1u << 1,       // a site block
  kRoute = 1u << 2,      // handle / handle_path / route blocks
  kProxy = 1u << 3,      // reverse_proxy { }
  kTransport = 1u << 4,  // transport http { }
  kServers = 1u << 5,    // servers { } global option
  kTls = 1u << 6,        // tls { }
  kLog = 1u << 7,        // log { }
  kHeader = 1u << 8,     // header { } and health_headers { }
  kBody = 1u << 9,       // request_body { }
  kHandlers = kSite | kRoute,
};

// A directive's line, split as Caddy's dispenser sees it.
struct Call {
  const Node& node;
  std::vector<Word> args;              // after the name and the matcher token
  std::optional<ir::Matcher> match;    // the matcher token's, or a named matcher's
  bool has_matcher = false;
  size_t first_path_len = 0;           // Caddy's sort key: the single matcher set's first path
  std::string matcher_text;            // as written, for route names
};

// One handler directive after lowering: what it does, under which matcher.
struct Item {
  std::string directive;
  SourceLoc loc;
  std::string label;  // route name part, e.g. "handle /api/*"
  std::optional<ir::Matcher> match;
  bool has_matcher = false;
  size_t first_path_len = 0;
  std::vector<ir::HeaderOp> request_headers;
  std::vector<ir::HeaderOp> response_headers;
  std::vector<ir::RewriteStep> rewrites;
  std::optional<ir::Action> action;
  std::optional<int64_t> max_body_bytes;  // request_body max_size
  bool keeps_error_status = false;  // handle_errors: `respond` without a status answers with the error's
  bool block = false;       // handle, handle_path, route: `children` are its lines
  bool keep_order = false;  // route: children in written order
  std::vector<Item> children;
};

struct NamedMatcher {
  SourceLoc loc;
  std::optional<ir::Matcher> match;  // nullopt: every request
  size_t first_path_len = 0;
};

struct Address {
  SourceLoc loc;
  std::string original;
  std::string scheme;  // "", "http", "https"
  std::string host;    // "" for every host
  int port = 0;        // 0: not written
  std::string path;    // "" for every path
};

struct Site {
  SourceLoc loc;
  std::vector<Address> addresses;
  std::vector<Item> items;
  std::optional<ir::TlsSettings> tls;   // `tls` given
  bool tls_internal = false;
  std::vector<ir::AccessLog> logs;
  bool has_redir = false;
  std::vector<std::string> binds;  // `bind`: listen addresses; empty: every interface
  std::vector<Item> error_items;   // handle_errors blocks' lines, in written order
};

struct ProxyState {
  SourceLoc loc;
  ir::Pool pool;
  ir::ProxyAction proxy;
  std::vector<ir::HeaderOp> header_up, header_down;
  bool trust_all = false;      // trusted_proxies 0.0.0.0/0 ::/0: incoming X-Forwarded-* kept
  bool active_health = false;  // health_uri or health_port given
  bool health_option = false;  // any health_* given
  int64_t fail_duration_ms = 0;
  int max_fails = 1;
  int unhealthy_request_count = 0;
  std::vector<int> unhealthy_statuses;
  int64_t unhealthy_latency_ms = 0;
  std::vector<std::string> scheme_of_upstreams;
  // transport http's keep-alive options. Any of them replaces Caddy's default keep-alive
  // (32 idle per host, 2 min) with Go's http.Transport zero values for the rest.
  bool keepalive_given = false;
  bool keepalive_off = false;
  std::optional<int64_t> keepalive_idle_ms;
  std::optional<int> idle_conns, idle_conns_per_host;
};

struct GlobalOptions {
  int http_port = 80;
  int https_port = 443;
  std::string auto_https = "on";  // on | off | disable_redirects | disable_certs | ignore_loaded_certs
  bool http2 = true;              // `servers { protocols }` without h2 turns it off
  bool h2c = false;
};

class Lowerer {
 public:
  Lowerer(Diagnostics& diags, std::string file);

  // Dispatches every line of `nodes` in context `ctx` through the directive table.
  void walk(const std::vector<Node>& nodes, uint32_t ctx);
  // Lowers a whole file: global options, snippets already expanded, sites.
  void lower_file(const std::vector<Node>& nodes);
  ir::Config build();

  Diagnostics& diags;
  std::string file;
  GlobalOptions globals;
  ir::Config config;
  std::vector<Site> sites;

  // The site and the item list the handler lines go to.
  Site* site = nullptr;
  std::vector<Item>* items = nullptr;
  ProxyState* proxy = nullptr;
  std::vector<ir::HeaderOp>* header_block = nullptr;   // header { } lines
  bool header_block_request = false;
  std::vector<std::pair<std::string, std::string>>* health_headers = nullptr;
  ir::TlsSettings* tls_block = nullptr;
  ir::AccessLog* log_block = nullptr;
  Item* body_item = nullptr;  // request_body { } lines
  bool in_error_routes = false;  // lowering a handle_errors block
  std::string* log_level = nullptr;  // the global log's level; null in a site's log

  // Named matchers, innermost block last.
  std::vector<std::map<std::string, NamedMatcher>> matcher_scopes;
  const NamedMatcher* find_matcher(const std::string& name) const;

  void error(const SourceLoc& loc, std::string message) { diags.error(loc, std::move(message)); }
  void arity_error(const Node& n);
  // A pool name not used yet, derived from `base`.
  std::string pool_name(const std::string& base);

 private:
  // pool_name(): the names config.pools has (pools are only appended, named before),
  // how many of them were read, and per base the suffix from which to look for a
  // free name (none below it is free: names are never given back).
  std::unordered_set<std::string> pool_names_;
  size_t pool_names_read_ = 0;
  std::map<std::string, int> pool_suffix_from_;

  void walk_handlers(const std::vector<Node>& nodes, uint32_t ctx);
  void lower_site(const Node& addresses_line, const std::vector<Node>& body, const std::vector<Node>& extra_lines);
};

}  // namespace pg::caddy
