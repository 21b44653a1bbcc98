// The HAProxy emitter's state, shared by its parts: emit.cpp (global, defaults,
// frontends and the route order), emit_backends.cpp (pools, proxy settings and the
// per-route rules a backend carries), emit_responses.cpp (fixed answers, redirects,
// access rules).
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "diag/diagnostics.h"
#include "haproxy/emit_conditions.h"
#include "haproxy/emit_words.h"
#include "ir/ir.h"

namespace pg::haproxy::emitter {

// Lines of one section, indented when written.
struct Section {
  std::string comment;  // "from nginx.conf:12"
  std::vector<std::string> lines;
};

struct ProxyDefaults {
  int64_t connect_ms = 5000, server_ms = 60000, client_ms = 60000;
};

class Emitter {
 public:
  Emitter(const ir::Config& c, Diagnostics& losses) : c_(c), losses_(losses) {}
  std::string run();

  // Reports once per location and message.
  void warn(const SourceLoc& loc, const std::string& message);

  const ir::Config& config() const { return c_; }
  const ProxyDefaults& defaults() const { return defaults_; }

  // The backend that proxies `route` (a proxy action with a pool), with `extra` lines
  // (its http-error pages); its name.
  std::string proxy_backend(const ir::Route& route, const FormatEnv& env, const std::vector<std::string>& extra = {});
  // The http-error lines for a route's error pages (emit_errors.cpp); the HAProxy
  // errorfiles the pages name go to `errorfiles`. Reports the pages that are lost.
  std::vector<std::string> error_lines(const ir::Route& route, const ir::VirtualHost& vh,
                                       std::vector<std::string>& errorfiles);
  // A backend answering with `rules` (no servers); its name.
  std::string response_backend(const std::string& base, const std::vector<std::string>& acl_lines,
                               const std::vector<std::string>& rules, const SourceLoc& loc);

  // The http-request rule answering for a route whose action is not a proxy (respond,
  // redirect, static files, a dynamic target), without its condition.
  std::string terminal_rule(const ir::Route& route, const FormatEnv& env);
  // A rewrite step's new path (path_only: for replace-path) or redirect target.
  std::optional<std::string> rewrite_target(const ir::RewriteStep& st, const FormatEnv& env, bool path_only,
                                            std::string& why);
  // The rule for an answering rewrite step (redirect, respond); "" when impossible (reported).
  std::string rewrite_answer(const ir::RewriteStep& st, const ir::Route& route, const FormatEnv& env);
  // When a rewrite step applies: its regex on the path.
  std::optional<Dnf> step_condition(const ir::RewriteStep& st, AclSet& acls);
  // The access rules of a route as the condition under which it denies (never: none).
  std::optional<Dnf> denied(const ir::Route& route, AclSet& acls);

 private:
  // A backend named `base` (else base_variant, else numbered); the same text, the same backend.
  std::string add_backend(const std::string& base, Section s, const std::string& variant = "");
  void emit_global(std::string& out);
  void plan_defaults();
  void emit_defaults(std::string& out);
  bool page_left_to_backends(int status);
  void emit_pages(std::vector<std::string>& lines);
  void emit_frontends();
  std::string set_src_rule(const std::vector<int>& vhosts, int default_vhost);

  const ir::Config& c_;
  Diagnostics& losses_;
  std::set<std::string> warned_;
  ProxyDefaults defaults_;
  std::vector<std::pair<std::string, Section>> frontends_;
  std::vector<std::pair<std::string, Section>> backends_;
  std::map<const ir::Pool*, int> copies_of_;  // backends written per pool: each keeps its own balancing state
  std::unordered_map<std::string, std::string> backend_by_body_;  // thousands of long, alike bodies: hashed
  std::set<std::string> proxy_names_;
  std::map<std::string, int> next_number_;  // the last number given to each backend name
  std::set<int> own_pages_;  // statuses a backend has an http-error page of its own for
  std::map<std::string, const ir::Pool*, std::less<>> pool_by_name_;  // made on first use
};

inline std::string join_rule(const std::string& rule, const std::string& cond) {
  return cond.empty() ? rule : rule + " " + cond;
}

// A redirect on a path regex "^LITERAL(.*)$" whose location uses the capture (Caddy's
// path_regexp with {re.name.1}, nginx's "location ~ ^/old/(.*)") as the redirect on the
// prefix LITERAL with the path after it: regsub(^LITERAL,). nullopt for other routes.
std::optional<ir::Route> capture_prefix_redirect(const ir::Route& r);

// A timeout in HAProxy's words: 0 (none) is HAProxy's largest timer.
std::string timeout_value(int64_t ms);

// HAProxy's proxy names: letters, digits, '-', '_', '.', ':'.
std::string proxy_name(std::string_view s);

}  // namespace pg::haproxy::emitter
