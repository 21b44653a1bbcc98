#include "ir/equivalence.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <cctype>
#include <charconv>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/members.hpp>
#include <boost/json.hpp>
#include <boost/mp11/algorithm.hpp>
#include <fmt/format.h>

#include "ir/difference_subject.h"
#include "ir/each_on_threads.h"
#include "ir/ir_json_conversions.h"
#include "ir/map_dispatch.h"
#include "ir/ir_walk.h"
#include "ir/matchers.h"
#include "ir/path_regex_tests.h"
#include "ir/path_tests.h"
#include "ir/pool_run_out.h"
#include "ir/status_page.h"
#include "ir/text.h"

namespace pg::ir {

bool may_be_empty(const Template& t) {
  for (const auto& p : t.parts) {
    // The host: HTTP/1.1 requires a Host field (nginx's $host falls back to the server name).
    if (p.var == Var::host || (p.var == Var::request_header && iequals(p.value, "host"))) return false;
    if (!p.converters.empty()) continue;
    switch (p.var) {
      case Var::literal:
        if (!p.value.empty()) return false;
        break;
      case Var::client_address: case Var::client_port: case Var::server_address: case Var::server_port:
      case Var::scheme: case Var::method: case Var::request_uri: case Var::path: case Var::protocol:
      case Var::forwarded_for_appended: case Var::upstream_host: case Var::upstream_addr:
        return false;
      default:
        break;
    }
  }
  return true;
}

void fold_own_response_fields(Route& r) {
  if (r.action.kind != ActionKind::respond || !r.action.respond->body) return;
  std::string body;
  for (const auto& part : r.action.respond->body->parts) {
    if (part.var != Var::literal) return;
    body += part.value;
  }
  auto literal = [](const HeaderOp& op) -> std::optional<std::string> {
    if (op.op != HeaderOpKind::set || !op.except_clients.empty() || !op.always || op.value.parts.size() != 1 ||
        op.value.parts[0].var != Var::literal)
      return std::nullopt;
    return op.value.parts[0].value;
  };
  auto ops_on = [&](const std::string& name) {
    return std::count_if(r.response_headers.begin(), r.response_headers.end(),
                         [&](const HeaderOp& o) { return to_lower(o.name) == name; });
  };
  std::vector<HeaderOp> kept;
  for (const auto& op : r.response_headers) {
    std::string name = to_lower(op.name);
    auto value = literal(op);
    if (value && ops_on(name) == 1) {
      if (name == "content-type" && !value->empty()) {
        r.default_type = *value;
        continue;
      }
      if (name == "content-length" && *value == std::to_string(body.size())) continue;
      if (name == "connection" && to_lower(*value) == "close") {
        r.limits.keepalive_timeout_ms = 0;
        continue;
      }
    }
    kept.push_back(op);
  }
  r.response_headers = std::move(kept);
}

void drop_implied_path_tests(std::vector<Matcher>& conditions) {
  auto path_test = [](const Matcher& m) -> const Predicate* {
    if (m.op == MatchOp::predicate && m.predicate && !m.predicate->case_insensitive &&
        (m.predicate->kind == PredKind::path_prefix || m.predicate->kind == PredKind::path_exact))
      return &*m.predicate;
    return nullptr;
  };
  auto starts = [](const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; };
  // A case-sensitive regex anchored on a literal ("^/v1/export/") only matches paths
  // starting with it: for what it implies, a prefix test that is never dropped itself.
  std::vector<Predicate> anchored(conditions.size());
  auto test_of = [&](size_t j) -> const Predicate* {
    if (const Predicate* p = path_test(conditions[j])) return p;
    const Matcher& m = conditions[j];
    if (m.op != MatchOp::predicate || !m.predicate || m.predicate->kind != PredKind::path_regex ||
        m.predicate->case_insensitive)
      return nullptr;
    auto lit = literal_prefix(m.predicate->value);
    if (!lit || lit->empty() || (*lit)[0] != '/') return nullptr;
    anchored[j] = Predicate{PredKind::path_prefix, "", *lit, false};
    return &anchored[j];
  };
  std::vector<bool> drop(conditions.size(), false);
  for (size_t i = 0; i < conditions.size(); ++i) {
    const Matcher& c = conditions[i];
    const Predicate* own = path_test(c);
    const Predicate* excluded = c.op == MatchOp::not_ && c.children.size() == 1 ? path_test(c.children[0]) : nullptr;
    if (excluded && excluded->kind != PredKind::path_prefix) excluded = nullptr;
    if (!own && !excluded) continue;
    if (own && own->kind != PredKind::path_prefix) continue;
    for (size_t j = 0; j < conditions.size() && !drop[i]; ++j) {
      const Predicate* x = j != i && !drop[j] ? test_of(j) : nullptr;
      if (!x) continue;
      if (own) drop[i] = x->value != own->value && starts(x->value, own->value);  // x implies the prefix
      else drop[i] = !starts(x->value, excluded->value) &&
                     (x->kind == PredKind::path_exact || !starts(excluded->value, x->value));  // x never in B
    }
  }
  std::vector<Matcher> kept;
  for (size_t i = 0; i < conditions.size(); ++i)
    if (!drop[i]) kept.push_back(std::move(conditions[i]));
  conditions = std::move(kept);
}

namespace {

namespace json = boost::json;

std::string lower(std::string s) { return to_lower(std::move(s)); }

// Keys that say where or how something was written, not what it does.
bool ignored_key(std::string_view k) {
  return k == "loc" || k == "implicit" || k == "authority" || k == "access_logs" || k == "name";
}

std::string listener_key(const Listener& l) {
  bool v6 = l.address.find(':') != std::string::npos && l.address.rfind("unix:", 0) != 0;
  return v6 ? fmt::format("[{}]:{}", l.address, l.port) : fmt::format("{}:{}", l.address, l.port);
}

std::string vhost_key(const Config& c, const VirtualHost& vh) {
  std::vector<std::string> names, listeners;
  for (const auto& n : vh.names) names.push_back(n.value);
  for (int i : vh.listeners)
    if (i >= 0 && static_cast<size_t>(i) < c.listeners.size()) listeners.push_back(listener_key(c.listeners[static_cast<size_t>(i)]));
  std::sort(names.begin(), names.end());
  std::sort(listeners.begin(), listeners.end());
  return fmt::format("{} on {}", names.empty() ? "(any name)" : fmt::format("{}", fmt::join(names, " ")),
                     fmt::join(listeners, " "));
}

std::string server_key(const UpstreamServer& s) {
  return s.port ? fmt::format("{}:{}", s.address, s.port) : s.address;
}

std::string render(const Template& t) {
  std::string out;
  for (const auto& p : t.parts) {
    if (p.var == Var::literal) { out += p.value; continue; }
    // Header names compare ignoring case.
    std::string arg = p.var == Var::request_header ? lower(p.value) : p.value;
    for (const auto& c : p.converters) arg += fmt::format("|{}({})", c.name, fmt::join(c.args, ","));
    out += fmt::format("${{{}{}}}", boost::describe::enum_to_string(p.var, "?"), arg.empty() ? "" : ":" + arg);
  }
  return out;
}

std::string render(const Matcher& m) {
  switch (m.op) {
    case MatchOp::predicate: {
      if (!m.predicate) return "?";
      const auto& p = *m.predicate;
      // Every path starts with "/": such a prefix matches every request.
      if (p.kind == PredKind::path_prefix && p.value.size() == 1 && p.value[0] == '/') return "always";
      std::string kind = boost::describe::enum_to_string(p.kind, "?");
      // Header names compare ignoring case.
      std::string name = p.kind == PredKind::header_present || p.kind == PredKind::header_exact ||
                                 p.kind == PredKind::header_regex
                             ? lower(p.name)
                             : p.name;
      // Appended, not formatted: matchers are rendered many times over (their text
      // keys and orders them).
      std::string out = kind;
      out.reserve(kind.size() + name.size() + p.value.size() + 8);
      out += '(';
      if (!name.empty()) out.append(name).append(", ");
      out += p.value;
      if (p.case_insensitive) out += ", ci";
      out += ')';
      return out;
    }
    case MatchOp::not_: return "not " + (m.children.empty() ? std::string("?") : render(m.children[0]));
    case MatchOp::all:
    case MatchOp::any: {
      if (m.children.empty()) return m.op == MatchOp::all ? "always" : "never";
      std::string out = m.op == MatchOp::all ? "all(" : "any(";
      for (size_t i = 0; i < m.children.size(); ++i) {
        if (i) out += ", ";
        out += render(m.children[i]);
      }
      out += ')';
      return out;
    }
  }
  return "?";
}

// JSON with its noise removed; templates and matchers become their text so that a
// difference reads as one line.
// Done in place, moving the kept values: routes carry whole pools, and a copy at
// each level made cleaning a large host quadratic in its depth.
void clean_in_place(json::value& v) {
  if (v.is_object()) {
    auto& o = v.as_object();
    if (o.size() == 1 && o.contains("parts")) {
      v = json::string(render(json::value_to<Template>(v)));
      return;
    }
    if (o.contains("op") && o.contains("children") && o.contains("predicate")) {
      v = json::string(render(json::value_to<Matcher>(v)));
      return;
    }
    // Already without ignored keys (as when cleaned before, inside a larger value):
    // its values cleaned where they are.
    if (std::none_of(o.begin(), o.end(), [](const json::key_value_pair& kv) { return ignored_key(kv.key()); })) {
      for (auto& kv : o) clean_in_place(kv.value());
      return;
    }
    // A new object in the same key order, without the ignored keys.
    json::object out(o.size(), o.storage());
    for (auto& kv : o) {
      if (ignored_key(kv.key())) continue;
      clean_in_place(kv.value());
      out.emplace(kv.key(), std::move(kv.value()));
    }
    v = std::move(out);
    return;
  }
  if (v.is_array())
    for (auto& e : v.as_array()) clean_in_place(e);
}

json::value clean(json::value v) {
  clean_in_place(v);
  return v;
}

// The same condition in a canonical form: double negations dropped, nested all/any
// flattened, repeated children once, and a conjunction holding a condition and its
// negation (HAProxy's 2^k split of conditional rules makes such routes) is "never"
// (`any` of nothing). Each step keeps what the matcher matches.
Matcher simplify(const Matcher& m) {
  if (m.op == MatchOp::predicate) {
    // A path regex that is a literal anchored at the start is a prefix (or, anchored
    // at the end too, the exact path): nginx writes case-insensitive prefixes so, and
    // Caddy joins excluded prefixes into one regex.
    if (m.predicate && m.predicate->kind == PredKind::path_regex) {
      if (auto tests = path_regex_as_tests(*m.predicate)) return simplify(*tests);
      Matcher out = m;
      out.predicate = without_inline_ci(*m.predicate);
      return out;
    }
    return m;
  }
  if (m.op == MatchOp::not_) {
    if (m.children.size() != 1) return m;
    Matcher inner = simplify(m.children[0]);
    if (inner.op == MatchOp::not_ && inner.children.size() == 1) return inner.children[0];
    Matcher out;
    out.op = MatchOp::not_;
    out.children.push_back(std::move(inner));
    return out;
  }
  const bool all = m.op == MatchOp::all;
  Matcher out;
  out.op = m.op;
  std::set<std::string> seen;
  // Each part with its text, rendered once: the text also orders the parts.
  std::vector<std::pair<std::string, Matcher>> keyed;
  for (const auto& c : m.children) {
    Matcher s = simplify(c);
    std::vector<Matcher> parts;
    if (s.op == m.op) parts = std::move(s.children);  // nested alike: flattened
    else parts.push_back(std::move(s));
    for (auto& part : parts) {
      std::string text = render(part);
      if (all && text == "always") continue;  // every request: says nothing in all(...)
      bool absorbing = part.op == (all ? MatchOp::any : MatchOp::all) && part.children.empty();
      if (absorbing) {  // never in all(...), always in any(...)
        Matcher x;
        x.op = all ? MatchOp::any : MatchOp::all;
        return x;
      }
      if (seen.insert(text).second) keyed.emplace_back(std::move(text), std::move(part));
    }
  }
  if (all)
    for (const auto& [text, c] : keyed)
      if (c.op == MatchOp::not_ && c.children.size() == 1 && seen.count(text.substr(4))) return Matcher{MatchOp::any, std::nullopt, {}};
  // Tests of one request have no order: dialects write a conjunction's parts in their
  // own (Caddy's named matchers list the path first).
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [text, c] : keyed) out.children.push_back(std::move(c));
  if (all) drop_implied_path_tests(out.children);
  if (out.children.size() == 1) return out.children[0];
  return out;
}

// One side's IR reshaped so that equal behaviour gives equal JSON, with where each
// keyed element came from.
class Normalized {
 public:
  // What this side says by itself; finish() adds what depends on the other side.
  explicit Normalized(const Config& c, int threads = 1) : c_(c) {
    for (const auto& p : c.pools) pools_[p.name] = &p;
    json::object listeners;
    for (const auto& l : c.listeners) {
      json::object o;
      o["tls"] = l.tls;
      o["http2"] = l.http2;
      if (l.default_virtual_host && static_cast<size_t>(*l.default_virtual_host) < c.virtual_hosts.size())
        o["default_virtual_host"] = vhost_key(c, c.virtual_hosts[static_cast<size_t>(*l.default_virtual_host)]);
      locs_["listeners/" + listener_key(l)] = l.loc;
      listeners[listener_key(l)] = std::move(o);
    }
    root_["listeners"] = std::move(listeners);
    // Each host's routes reshaped on `threads` threads (the most work here), then
    // written in order.
    std::vector<HostRoutes> hosts(c.virtual_hosts.size());
    each_on_threads(hosts.size(), threads, [&](size_t i) { hosts[i] = host_routes(c.virtual_hosts[i]); });
    json::object vhosts;
    for (size_t i = 0; i < hosts.size(); ++i) {
      const VirtualHost& vh = c.virtual_hosts[i];
      std::string key = vhost_key(c, vh);
      while (vhosts.contains(key)) key += "'";  // two alike: keep both
      expanded_maps_.insert(hosts[i].maps.begin(), hosts[i].maps.end());
      vhosts[key] = vhost(std::move(hosts[i]), "virtual_hosts/" + key);
    }
    root_["virtual_hosts"] = std::move(vhosts);
  }

  // `other`: the configuration compared with, whose listed pages this side says too,
  // and whose pools say whether this side's health checks are approximated.
  void finish(const Config* other) {
    other_ = other;
    const Config& c = c_;
    // What the routes' JSON reads, made now: the routes are made on two threads.
    for (const auto& p : c.pools) passive_approximation(p);
    for (const auto& p : pending_)
      if (p.route.action.proxy && !p.route.action.proxy->pool.empty())
        if (auto it = pools_.find(p.route.action.proxy->pool); it != pools_.end()) {
          pool(*it->second);
          size_t index = pool_index_[it->second];
          if (pool_routes_.size() <= index) pool_routes_.resize(index + 1, 0);
          ++pool_routes_[index];
        }
    // A map read as routes and used nowhere else says nothing more. Its uses are looked
    // for in the hosts' whole text, only when some map was read as routes.
    std::set<std::string> used;
    if (!expanded_maps_.empty()) used = expanded_maps_used();
    json::object maps;
    for (const auto& m : c.maps) {
      if (expanded_maps_.count(m.name) && !used.count(m.name)) continue;
      locs_["maps/" + m.name] = m.loc;
      maps[m.name] = clean(json::value_from(m));
    }
    root_["maps"] = std::move(maps);
    // The proxy's own answers; pages keyed by status.
    json::object responses = std::move(clean(json::value_from(c.responses)).as_object());
    json::object pages;
    // Each status either side lists, with the body this side sends for it (a status
    // without a page gets no body or the runtime's page).
    std::map<int, std::string> listed;
    for (const auto& p : c.responses.pages) listed[p.status] = p.body;
    std::set<int> statuses;
    for (const Config* x : {&c, other})
      if (x)
        for (const auto& p : x->responses.pages) statuses.insert(p.status);
    for (int st : statuses) {
      auto it = listed.find(st);
      pages[std::to_string(st)] = it != listed.end()             ? it->second
                                  : c.responses.listed_pages_only ? std::string()
                                                                  : runtime_status_page(st);
    }
    responses["pages"] = std::move(pages);
    root_["responses"] = std::move(responses);
  }

  // The maps read as routes (expanded_maps_) that the rendered hosts, routes, pools or
  // map values still name ("${map:NAME}"). Each route is rendered as the comparison
  // will render it, on two threads (route() may be, see finish()), and only where it
  // may name a map at all: a large configuration has tens of thousands of routes.
  std::set<std::string> expanded_maps_used() {
    std::vector<std::string> names(expanded_maps_.begin(), expanded_maps_.end());
    std::vector<std::string> needles;
    for (const auto& n : names) needles.push_back("${map:" + n + "}");
    std::unique_ptr<std::atomic<bool>[]> found(new std::atomic<bool>[names.size()]);
    for (size_t i = 0; i < names.size(); ++i) found[i] = false;
    auto look = [&](const std::string& text) {
      for (size_t i = 0; i < needles.size(); ++i)
        if (!found[i].load(std::memory_order_relaxed) && text.find(needles[i]) != std::string::npos)
          found[i].store(true, std::memory_order_relaxed);
    };
    look(json::serialize(root_["virtual_hosts"]));
    each_on_threads(pending_.size(), 2, [&](size_t i) {
      if (may_mention_map(pending_[i].route)) look(json::serialize(route(pending_[i])));
    });
    for (const auto& p : pools_json_) look(json::serialize(p));
    for (const auto& m : c_.maps) {
      look(render(m.default_value));
      for (const auto& e : m.entries) look(render(e.value));
    }
    std::set<std::string> used;
    for (size_t i = 0; i < names.size(); ++i)
      if (found[i]) used.insert(names[i]);
    return used;
  }

  const json::object& root() const { return root_; }
  const Config& config() const { return c_; }

  // What loc() finds for a path in a pool ("pools/N/..."), from the pool's own places:
  // a pool's differences are most of those looked up, and the table of every place
  // is large. Null for any other path.
  const SourceLoc* pool_place(std::string_view path) const {
    constexpr std::string_view prefix = "pools/";
    if (path.substr(0, prefix.size()) != prefix) return nullptr;
    size_t end = prefix.size(), index = 0;
    for (; end < path.size() && end < prefix.size() + 9 && std::isdigit(static_cast<unsigned char>(path[end])); ++end)
      index = index * 10 + static_cast<size_t>(path[end] - '0');
    const size_t digits = end - prefix.size();
    if (digits == 0 || (digits > 1 && path[prefix.size()] == '0') || (end < path.size() && path[end] != '/') ||
        index >= pool_places_.size())
      return nullptr;  // not as pool() writes them: the table says
    const PoolPlaces& places = pool_places_[index];
    // The deepest place on the path: its server's, else the pool's.
    std::string_view rest = path.substr(end);  // "" or "/..."
    const SourceLoc* found = &places.pool;
    size_t deepest = 0;
    for (const auto& [key, at] : places.servers)
      if (rest.size() > key.size() && rest[0] == '/' && rest.compare(1, key.size(), key) == 0 &&
          (rest.size() == key.size() + 1 || rest[key.size() + 1] == '/') && key.size() > deepest) {
        found = &at;
        deepest = key.size();
      }
    return found;
  }

  // The location of the deepest keyed element on `path`.
  // Pure: asked from the comparison's two threads (routes' places are the Differ's).
  SourceLoc loc(std::string_view path) const {
    if (const SourceLoc* place = pool_place(path)) return *place;
    for (;;) {
      if (auto it = locs_.find(path); it != locs_.end()) return it->second;
      size_t slash = path.rfind('/');
      if (slash == std::string_view::npos) return c_.loc;
      path = path.substr(0, slash);  // the enclosing element's
    }
  }

 private:
  // A host with its routes in the shape compared: reads only the configuration, so
  // that hosts can be reshaped side by side.
  struct HostRoutes {
    VirtualHost vh;              // its status pages folded, its named routes named
    std::vector<Route> expanded;  // its routes, reshaped (vh.routes is left empty)
    std::set<std::string> maps;   // the maps read as routes
  };

  HostRoutes host_routes(const VirtualHost& source) const {
    HostRoutes h;
    h.vh = source;
    fold_status_pages(h.vh);
    name_named_routes(h.vh);
    h.expanded = split_access(expand_map_dispatch(std::move(h.vh.routes), h.maps));
    h.vh.routes.clear();
    for (auto& r : h.expanded) {
      r.match = simplify(r.match);
      captures_as_regsub(r);
    }
    drop_redundant(h.expanded);
    order_disjoint(h.expanded);
    return h;
  }

  json::value vhost(HostRoutes h, const std::string& path) {
    VirtualHost& vh = h.vh;
    locs_[path] = vh.loc;
    // The routes were taken out: converted without them (their key keeps its place).
    json::object o = std::move(json::value_from(vh).as_object());
    o.erase("listeners");  // the key says them
    o.erase("names");
    json::array routes;
    bool covered = false;  // a route matching every request makes what follows unreachable
    if (!vh.rewrites.empty() && vh.rewrites.front().kind != RewriteKind::rewrite) {
      // A host that answers every request before selecting a route (nginx's
      // server-level return) is one route that always matches.
      const RewriteStep& step = vh.rewrites.front();
      Route r = vh.fallback;
      r.loc = step.loc;
      r.match = Matcher{};
      r.action = Action{};
      if (step.kind == RewriteKind::redirect) {
        r.action.kind = ActionKind::redirect;
        r.action.redirect = RedirectAction{step.status, step.replacement};
      } else {
        r.action.kind = ActionKind::respond;
        r.action.respond = RespondAction{step.status, step.has_body ? std::optional<Template>(step.replacement) : std::nullopt};
      }
      routes.push_back(stub(std::move(r), path + "/rewrites/0"));
      o["rewrites"] = json::array{};
      covered = true;
    }
    std::vector<Route>& expanded = h.expanded;
    for (size_t i = 0; i < expanded.size() && !covered; ++i) {
      const Route& r = expanded[i];
      if (r.match.op == MatchOp::any && r.match.children.empty()) continue;  // never matches: changes nothing
      std::string match = render(r.match);
      covered = !r.internal && match == "always";
      // Its place in the JSON array, where the comparison looks for it.
      routes.push_back(stub(std::move(expanded[i]), fmt::format("{}/routes/{}", path, routes.size()), Role::regular,
                            std::move(match)));
    }
    o["routes"] = std::move(routes);
    json::object named;
    for (const auto& r : vh.named_routes) named[r.name] = stub(r, path + "/named_routes/" + r.name, Role::named);
    o["named_routes"] = std::move(named);
    if (covered) o.erase("fallback");
    else o["fallback"] = stub(vh.fallback, path + "/fallback", Role::fallback);
    return clean(std::move(o));
  }

  // A route as its IR and a stub: its match and its kind of action (what aligning the
  // routes reads), its JSON made by full_route() only when the comparison reaches it
  // and dropped after. Built up front, a large configuration's routes were 100s of MB
  // of JSON, as costly to fault in and free as to make.
  enum class Role { regular, fallback, named };

  struct Pending {
    Route route;
    std::string path;
    Role role;
    std::string match;  // the route's matcher rendered (the stub's): its JSON has the same
  };

  // `rendered`: the matcher's text, when made already.
  json::value stub(Route r, std::string path, Role role = Role::regular, std::optional<std::string> rendered = {}) {
    locs_[path] = r.loc;
    note_passed_maps(r);
    json::object o;
    std::string match = rendered ? std::move(*rendered) : render(r.match);  // as clean() renders a matcher
    o["match"] = json::string(match);
    o["action"] = json::object{{"kind", json::value_from(r.action.kind)}};
    o[route_ref] = pending_.size();
    pending_.push_back({std::move(r), std::move(path), role, std::move(match)});
    return o;
  }

  // The maps route() notes while keying a route's request fields (passes_through), noted
  // up front: the constructor decides by them which maps to compare.
  void note_passed_maps(const Route& r) {
    for (const auto& op : r.request_headers) {
      if (op.op == HeaderOpKind::remove || lower(op.name) != "connection") continue;
      if (!passes_through(r, op)) return;  // the field's later operations are not asked
    }
  }

 public:
  // A route's JSON: the value itself, or the route a stub stands for, made into `built`.
  // `storage`: where the route's JSON is made (Differ::routes: an arena per pair).
  const json::value& full_route(const json::value& v, json::value& built, const json::storage_ptr& storage = {}) {
    if (const json::value* i = stub_ref(v)) {
      const Pending& p = pending_[static_cast<size_t>(i->to_number<int64_t>())];
      built = route(p, storage);
      return built;
    }
    return v;
  }

 private:
  // The route index a stub holds, or null. Every object the comparison walks is asked:
  // its keys are scanned by their first character before any is compared whole.
  static const json::value* stub_ref(const json::value& v) {
    if (!v.is_object()) return nullptr;
    for (const auto& kv : v.as_object())
      if (!kv.key().empty() && kv.key().front() == route_ref.front() && kv.key() == route_ref) return &kv.value();
    return nullptr;
  }

  static constexpr std::string_view route_ref = "\x01route";  // no IR key starts with a control character

  static const Route* named_route(const VirtualHost& vh, const Template& target) {
    if (target.parts.size() != 1 || target.parts[0].var != Var::literal) return nullptr;
    for (const auto& r : vh.named_routes)
      if (r.name == target.parts[0].value) return &r;
    return nullptr;
  }

  static std::vector<Route*> all_routes(VirtualHost& vh) {
    std::vector<Route*> out;
    for (auto& r : vh.routes) out.push_back(&r);
    out.push_back(&vh.fallback);
    for (auto& r : vh.named_routes) out.push_back(&r);
    return out;
  }

  // Error pages and the proxy's own failure statuses in one shape:
  // - a page whose named route answers status X with its own status is a page setting X;
  // - a proxy failing with 502 whose 502 page sets status S, with the route's page for S
  //   as target or a named route answering S with the standard page and the route's
  //   own response fields (nginx's "error_page 502 =503 @x"), fails with S.
  static void fold_status_pages(VirtualHost& vh) {
    for (Route* r : all_routes(vh))
      for (auto& e : r->error_pages) {
        if (e.status_mode != ErrorStatus::from_target || e.target_kind != ErrorTarget::named_route) continue;
        const Route* n = named_route(vh, e.target);
        if (n && n->rewrites.empty() && n->action.kind == ActionKind::respond) {
          e.status_mode = ErrorStatus::set;
          e.status = n->action.respond->status;
        }
      }
    auto covers = [](const ErrorPage& e, int code) { return std::find(e.codes.begin(), e.codes.end(), code) != e.codes.end(); };
    for (Route* r : all_routes(vh)) {
      if (r->action.kind != ActionKind::proxy) continue;
      ProxyAction& p = *r->action.proxy;
      if (p.no_server_status != 502 || p.connect_error_status != 502) continue;
      auto page = std::find_if(r->error_pages.begin(), r->error_pages.end(), [&](const ErrorPage& e) {
        return covers(e, 502) && e.status_mode == ErrorStatus::set && e.status != 502;
      });
      if (page == r->error_pages.end()) continue;
      const int status = page->status;
      bool own = std::any_of(r->error_pages.begin(), r->error_pages.end(), [&](const ErrorPage& e) {
        return &e != &*page && covers(e, status) && e.target_kind == page->target_kind &&
               render(e.target) == render(page->target) &&
               (e.status_mode == ErrorStatus::keep || (e.status_mode == ErrorStatus::set && e.status == status));
      });
      const Route* n = page->target_kind == ErrorTarget::named_route ? named_route(vh, page->target) : nullptr;
      bool standard = n && n->rewrites.empty() && n->action.kind == ActionKind::respond &&
                      n->action.respond->status == status && !n->action.respond->body &&
                      fields_added(n->response_headers) == fields_added(r->response_headers);
      if (!own && !standard) continue;
      page->codes.erase(std::remove(page->codes.begin(), page->codes.end(), 502), page->codes.end());
      if (page->codes.empty()) r->error_pages.erase(page);
      p.no_server_status = p.connect_error_status = status;
    }
  }

  // The operations that add to or set a response's fields (removals hide the
  // upstream's: a page the proxy makes has none of them).
  static json::value fields_added(const std::vector<HeaderOp>& ops) {
    std::vector<HeaderOp> kept;
    for (const auto& op : ops)
      if (op.op != HeaderOpKind::remove) kept.push_back(op);
    return clean(json::value_from(kept));
  }

  // Named routes are reached only through error pages: those no page names are
  // unreachable, and the others are named by the order they are first named in.
  static void name_named_routes(VirtualHost& vh) {
    // Each by the statuses whose pages name it, in the order first named.
    std::vector<std::string> order;
    std::map<std::string, std::set<int>> codes;
    for (Route* r : all_routes(vh))
      for (auto& e : r->error_pages)
        if (e.target_kind == ErrorTarget::named_route)
          if (const Route* n = named_route(vh, e.target)) {
            if (!codes.count(n->name)) order.push_back(n->name);
            codes[n->name].insert(e.codes.begin(), e.codes.end());
          }
    std::map<std::string, std::string> names;
    std::set<std::string> taken;
    for (const auto& name : order) {
      std::string base = fmt::format("named route for {}", fmt::join(codes[name], " "));
      std::string key = base;
      for (int i = 2; taken.count(key); ++i) key = fmt::format("{} #{}", base, i);
      taken.insert(key);
      names[name] = key;
    }
    std::vector<Route> kept;
    for (auto& n : vh.named_routes)
      if (names.count(n.name)) kept.push_back(n);
    for (Route* r : all_routes(vh))
      for (auto& e : r->error_pages)
        if (e.target_kind == ErrorTarget::named_route && e.target.parts.size() == 1)
          if (auto it = names.find(e.target.parts[0].value); it != names.end()) e.target.parts[0].value = it->second;
    for (auto& n : kept) n.name = names[n.name];
    vh.named_routes = std::move(kept);
  }

  // A redirect on "^LITERAL(.*)" whose location uses the capture (nginx's
  // "location ~ ^/old/(.*) { return 301 /new/$1; }") is a redirect on the prefix
  // LITERAL with the path after it: the path with regsub(^LITERAL,). And such a regsub
  // with a plain replacement X on that prefix is X, then the path after it.
  static void captures_as_regsub(Route& r) {
    if (r.action.kind != ActionKind::redirect || !r.rewrites.empty() || r.match.op != MatchOp::predicate ||
        !r.match.predicate || r.match.predicate->case_insensitive)
      return;
    Predicate& p = *r.match.predicate;
    auto escape = [](const std::string& x) {
      std::string out;
      for (char ch : x) {
        if (std::string_view(".^$|?*+()[]{}\\").find(ch) != std::string_view::npos) out += '\\';
        out += ch;
      }
      return out;
    };
    Template& loc = r.action.redirect->location;
    if (p.kind == PredKind::path_regex) {
      std::string v = p.value;
      if (v.size() > 1 && v.back() == '$') v.pop_back();
      if (v.size() < 5 || v.compare(v.size() - 4, 4, "(.*)") != 0) return;
      bool whole = false;
      auto lit = literal_regex(v.substr(0, v.size() - 4), whole);
      if (!lit || whole) return;
      bool uses = false;
      for (const auto& part : loc.parts) {
        if (part.var != Var::regex_capture) continue;
        if (part.value != "1" || !part.converters.empty()) return;
        uses = true;
      }
      if (!uses) return;
      for (auto& part : loc.parts)
        if (part.var == Var::regex_capture) part = TemplatePart(Var::path, "", {Converter{"regsub", {"^" + escape(*lit), ""}}});
      p = Predicate{PredKind::path_prefix, "", *lit, false};
    }
    if (p.kind != PredKind::path_prefix) return;
    Template out;
    for (const auto& part : loc.parts) {
      const auto& c = part.converters;
      if (part.var == Var::path && c.size() == 1 && c[0].name == "regsub" && c[0].args.size() == 2 &&
          c[0].args[0] == "^" + escape(p.value) && !c[0].args[1].empty() && c[0].args[1].find('\\') == std::string::npos) {
        out.parts.push_back(TemplatePart(Var::literal, c[0].args[1]));
        out.parts.push_back(TemplatePart(Var::path, "", {Converter{"regsub", {c[0].args[0], ""}}}));
      } else {
        out.parts.push_back(part);
      }
    }
    loc = std::move(out);
  }

  // A route with access rules (nginx's allow/deny; first match wins, none: allowed) is
  // a route answering 403 to the clients they deny, then the route without them.
  static std::vector<Route> split_access(std::vector<Route> routes) {
    std::vector<Route> out;
    out.reserve(routes.size());
    for (auto& r : routes) {
      if (r.access.empty() || r.internal) {
        out.push_back(std::move(r));
        continue;
      }
      Matcher denied = never();
      // The usual list: some clients allowed, then everyone else denied.
      std::vector<Matcher> allowed;
      for (size_t i = 0; i + 1 < r.access.size() && r.access[i].allow && r.access[i].cidr != "all"; ++i)
        allowed.push_back(pred(PredKind::client_cidr, r.access[i].cidr));
      bool usual = allowed.size() + 1 == r.access.size() && !r.access.back().allow && r.access.back().cidr == "all";
      if (usual) denied = negate(any_of(std::move(allowed)));
      for (auto it = r.access.rbegin(); it != r.access.rend() && !usual; ++it) {
        if (it->cidr == "all") {
          denied = it->allow ? never() : always();
          continue;
        }
        Matcher client = pred(PredKind::client_cidr, it->cidr);
        denied = it->allow ? all_of({negate(std::move(client)), std::move(denied)})
                           : any_of({std::move(client), std::move(denied)});
      }
      r.access.clear();
      Route refusal = r;
      refusal.match = simplify(all_of({r.match, denied}));
      refusal.action = Action{};
      refusal.action.kind = ActionKind::respond;
      refusal.action.respond = RespondAction{403, std::nullopt};
      refusal.request_headers.clear();
      out.push_back(std::move(refusal));
      out.push_back(std::move(r));
    }
    return out;
  }

  // Whether every request `a` matches, `b` matches too (as far as shapes tell).
  static bool subsumed(const Matcher& a, const Matcher& b) { return subsumed(a, b, render(b)); }

  // The same, with `b` rendered once for all of `a`'s conjuncts.
  static bool subsumed(const Matcher& a, const Matcher& b, const std::string& b_text) {
    if (b_text == "always" || render(a) == b_text) return true;
    if (b.op == MatchOp::predicate && b.predicate && b.predicate->kind == PredKind::path_prefix && a.op == MatchOp::predicate &&
        a.predicate && (a.predicate->kind == PredKind::path_prefix || a.predicate->kind == PredKind::path_exact) &&
        (b.predicate->case_insensitive || !a.predicate->case_insensitive)) {
      const std::string& x = a.predicate->value;
      const std::string& y = b.predicate->value;
      return b.predicate->case_insensitive ? lower(x).rfind(lower(y), 0) == 0 : x.rfind(y, 0) == 0;
    }
    if (a.op == MatchOp::all)
      return std::any_of(a.children.begin(), a.children.end(), [&](const Matcher& c) { return subsumed(c, b, b_text); });
    return false;
  }

  // A route doing just what the next one does, on requests the next one matches too,
  // changes nothing (nginx's translation writes such locations: per-location access
  // lists, "location = /x" beside "location /x/").
  static void drop_redundant(std::vector<Route>& routes) {
    // Each route's paths lowered once, and its body made only when asked, then kept:
    // the scan looks at every later route for each route.
    std::vector<PathTests> paths;
    paths.reserve(routes.size());
    for (const auto& r : routes) paths.push_back(path_tests(r.match));
    std::vector<std::optional<json::value>> bodies(routes.size());
    auto body = [&](size_t k) -> const json::value& {
      if (!bodies[k]) {
        // Without its matcher (compared apart): a long one costs more to convert than
        // all the rest.
        Matcher m = std::move(routes[k].match);
        routes[k].match = Matcher{};
        json::value v = clean(json::value_from(routes[k]));
        routes[k].match = std::move(m);
        v.as_object().erase("match");
        bodies[k] = std::move(v);
      }
      return *bodies[k];
    };
    for (size_t i = routes.size(); i-- > 1;) {
      const Route& r = routes[i - 1];
      if (r.internal) continue;
      // The next route that can match what it matches.
      size_t j = i;
      while (j < routes.size() && disjoint(paths[i - 1], paths[j])) ++j;
      if (j == routes.size() || routes[j].internal || !subsumed(r.match, routes[j].match)) continue;
      if (body(i - 1) == body(j)) {
        auto at = static_cast<std::ptrdiff_t>(i - 1);
        routes.erase(routes.begin() + at);
        paths.erase(paths.begin() + at);
        bodies.erase(bodies.begin() + at);
      }
    }
  }

  // Two neighbouring routes no request matches both of can change places: in one
  // order (by their matchers' text), as nginx's location order and a source's
  // differ there.
  static void order_disjoint(std::vector<Route>& routes) {
    // The same exchanges of neighbours, on indexes with each matcher rendered once: a
    // large configuration has thousands of routes, and each pass looks at every pair.
    std::vector<size_t> order(routes.size());
    std::vector<std::string> text(routes.size());
    std::vector<PathTests> paths(routes.size());
    for (size_t i = 0; i < routes.size(); ++i)
      order[i] = i, text[i] = render(routes[i].match), paths[i] = path_tests(routes[i].match);
    bool moved = false;
    for (bool swapped = true; swapped;) {
      swapped = false;
      for (size_t i = 0; i + 1 < order.size(); ++i) {
        size_t a = order[i], b = order[i + 1];
        if (text[a] > text[b] && disjoint(paths[a], paths[b])) {
          std::swap(order[i], order[i + 1]);
          swapped = moved = true;
        }
      }
    }
    if (!moved) return;
    std::vector<Route> sorted;
    sorted.reserve(routes.size());
    for (size_t i : order) sorted.push_back(std::move(routes[i]));
    routes = std::move(sorted);
  }

  // A route's path tests (ir::path_tests): what disjoint() compares, made once per route.
  using PathTests = std::vector<PathTest>;

  // Whether no request matches both (as far as their paths tell).
  static bool disjoint(const PathTests& a, const PathTests& b) {
    auto starts = [](const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; };
    for (const PathTest& x : a)
      for (const PathTest& y : b) {
        const std::string& u = x.value;
        const std::string& v = y.value;
        bool x_in_y = y.exact ? u == v : starts(u, v);
        bool y_in_x = x.exact ? u == v : starts(v, u);
        if (!x_in_y && !y_in_x) return true;
      }
    return false;
  }

  // A route proxying to the pool a map names from one request header (nginx's
  // `map $http_x $p {...}` with `proxy_pass http://$p`) is the routes that select each
  // pool by that header, in the map's lookup order (exact strings, then regexes in
  // order), then the route to the default pool. Only when that is exactly what the map
  // does: each value names a pool, and no entry matches an absent header (the map sees
  // an empty value; the header predicates do not match).
  // The routes are taken (moved, not copied: a host's copy was made just before).
  std::vector<Route> expand_map_dispatch(std::vector<Route> routes, std::set<std::string>& maps) const {
    std::vector<Route> out;
    out.reserve(routes.size());
    for (auto& r : routes) {
      auto expansion = map_dispatch(r, maps);
      if (!expansion) {
        out.push_back(std::move(r));
        continue;
      }
      for (auto& x : *expansion) out.push_back(std::move(x));
    }
    return out;
  }

  // ir::map_dispatch (one function for the emitters and this comparer), noting which
  // maps were read as routes: those need not be compared as maps.
  std::optional<std::vector<Route>> map_dispatch(const Route& r, std::set<std::string>& maps) const {
    std::string name;
    auto routes = ir::map_dispatch(c_, r, &name);
    if (routes) maps.insert(name);
    return routes;
  }

  // A route without its matcher and header operations (left empty): what route()
  // changes and converts. route() reads the matcher's text only and keys the
  // operations itself, and copying them cost more than the rest. Its name and access
  // logs are left empty too: clean() drops them (ignored_key) whatever they hold.
  static Route without_match_and_headers(const Route& source) {
    Route r;
    boost::mp11::mp_for_each<boost::describe::describe_members<Route, boost::describe::mod_any_access>>([&](auto member) {
      std::string_view name = member.name;
      if (name != "match" && name != "request_headers" && name != "response_headers" && name != "name" &&
          name != "access_logs")
        r.*member.pointer = source.*member.pointer;
    });
    return r;
  }

  // Made on the comparison's threads (Differ::run): reads this side's state only
  // (its places were recorded by stub(), its pools by finish()).
  json::value route(const Pending& p, const json::storage_ptr& storage = {}) {
    const Role role = p.role;
    Route r = without_match_and_headers(p.route);
    // The response operations, with a literal answer's own fields folded
    // (fold_own_response_fields) into a copy of them, else the route's as they are.
    const std::vector<HeaderOp>* response_headers = &p.route.response_headers;
    std::vector<HeaderOp> folded;
    if (r.action.kind == ActionKind::respond && r.action.respond->body) {
      r.response_headers = p.route.response_headers;
      fold_own_response_fields(r);
      folded = std::move(r.response_headers);
      r.response_headers.clear();
      response_headers = &folded;
    }
    // The route's pool, looked up once.
    const Pool* target = nullptr;
    if (r.action.proxy)
      if (auto it = pools_.find(r.action.proxy->pool); it != pools_.end()) target = it->second;
    // A pool that never runs out never sends its "no server" status: what a client
    // sees on a failure is the failed connection's (Caddy's 503 and nginx's 502 only
    // differ where health checks or failure accounting can take every server out).
    if (target && !pool_can_run_out(*target)) r.action.proxy->no_server_status = r.action.proxy->connect_error_status;
    // With the passive approximation of active checks (see passive_approximation), a
    // request failing on a server goes on to the next, as the checks would have kept
    // it off that server.
    if (r.action.proxy && r.action.proxy->retry.on.empty())
      if (target && target->servers.size() > 1 && passive_approximation(*target))
        r.action.proxy->retry = Retry{{RetryOn::error, RetryOn::timeout}, 0, 0, 0};

    // `r` has no header operations (keyed below; their keys keep their places) and no
    // matcher: the stub's text is the matcher as clean() would render it, without
    // converting it to JSON and back.
    json::object o = std::move(json::value_from(r, storage).as_object());
    o["match"] = json::string(p.match, storage);
    if (r.action.proxy) normalize_proxy(o["action"].as_object()["proxy"].as_object());
    normalize_limits(o["limits"].as_object());
    // A named route is reached after the request was read, by the one internal
    // redirect an error page makes: its limits and its own error pages never apply.
    if (role == Role::named) {
      o.erase("limits");
      o.erase("error_pages");
    }
    // An error page's status as one value: "keep", "set 503", "from_target".
    if (auto* pages = o.if_contains("error_pages"); pages && pages->is_array())
      for (auto& page : pages->as_array()) {
        auto& e = page.as_object();
        std::string mode = e.contains("status_mode") && e["status_mode"].is_string() ? std::string(e["status_mode"].as_string()) : "?";
        if (mode == "set" && e.contains("status")) mode += " " + json::serialize(e["status"]);
        e.erase("status_mode");
        e["status"] = json::string(mode, storage);
      }
    // Operations on different fields are independent: key them by field name.
    auto keyed = [&](const std::vector<HeaderOp>& ops, bool request) {
      json::object out(storage);
      std::set<std::string> passed;  // fields only passed as they came so far
      for (const auto& op : ops) {
        const std::string key = lower(op.name);  // fields compare ignoring case
        // The runtime strips hop-by-hop fields from every exchange: removing one again
        // changes nothing (the route's `upgrade` says whether Upgrade passes). It
        // answers a request's Expect itself and never passes it on, as nginx does.
        static const char* hop[] = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                    "transfer-encoding", "upgrade"};
        if (op.op == HeaderOpKind::remove &&
            (std::any_of(std::begin(hop), std::end(hop), [&](const char* h) { return key == h; }) ||
             (request && key == "expect")))
          continue;
        if (request && (!out.contains(key) || out[key].as_array().empty()) &&
            passes_through(r, op)) {
          // Its place kept, for the order of what follows on that field.
          if (!out.contains(key)) out[key] = json::array{};
          passed.insert(key);
          continue;
        }
        std::string text = boost::describe::enum_to_string(op.op, "?");
        if (op.op != HeaderOpKind::remove) text += " " + render(op.value);
        // The client address added as an X-Forwarded-For line of its own after the
        // client's (HAProxy's forwardfor): list fields combine with ", " (RFC 9110
        // 5.3), so it is the client's value with the address appended (nginx's
        // $proxy_add_x_forwarded_for). Only as the field's first operation: the
        // appended value reads the client's field.
        if (request && op.op == HeaderOpKind::add && key == "x-forwarded-for" &&
            !out.contains("x-forwarded-for") && op.value.parts.size() == 1 &&
            op.value.parts[0].var == Var::client_address && op.value.parts[0].converters.empty())
          text = "set " + render(Template{{TemplatePart(Var::forwarded_for_appended, "")}});
        if (!op.always) text += " (success statuses only)";
        // What an empty value does matters only when the value can be empty.
        if ((op.op == HeaderOpKind::set || op.op == HeaderOpKind::add || op.op == HeaderOpKind::add_if_absent) &&
            may_be_empty(op.value))
          text += op.omit_empty ? " (no field when empty)" : " (sent when empty)";
        // A set or a remove makes whatever came before it on that field moot.
        if (!out.contains(key) || op.op == HeaderOpKind::set || op.op == HeaderOpKind::remove) out[key] = json::array{};
        out[key].as_array().push_back(json::string(text, storage));
      }
      for (const auto& k : passed)
        if (out.contains(k) && out[k].as_array().empty()) out.erase(k);
      return out;
    };
    o["request_headers"] = keyed(p.route.request_headers, true);
    o["response_headers"] = keyed(*response_headers, false);
    if (r.action.proxy && !r.action.proxy->pool.empty()) {
      auto& proxy = o["action"].as_object()["proxy"].as_object();
      proxy["pool"] = target ? pool(*target) : json::value(nullptr);
    }
    return clean(std::move(o));
  }

  // A line limit no smaller than the head's own limit is never reached: a line that
  // long makes the head too large first. It is no limit (0).
  static void normalize_limits(json::object& limits) {
    int64_t block = limits["header_block_bytes"].to_number<int64_t>();
    if (block <= 0) return;
    for (const char* key : {"header_line_bytes", "request_line_bytes"})
      if (limits[key].to_number<int64_t>() >= block) limits[key] = 0;
  }

  // Settings that cannot matter: retry details when nothing is retried.
  static void normalize_proxy(json::object& proxy) {
    // No retry: its details say nothing, and it reads as one value.
    if (proxy["retry"].as_object()["on"].as_array().empty()) proxy["retry"] = "never";
  }

  // A field set to what the client sent, as the first operation on it, passes it as
  // it came (nginx writes "proxy_set_header Host $http_host" so): the Host field; and
  // Upgrade and the Connection nginx's usual map makes ("upgrade" when the client asks
  // for one, else none), hop-by-hop fields the runtime writes itself as the route's
  // `upgrade` says.
  bool passes_through(const Route& r, const HeaderOp& op) {
    if (op.op != HeaderOpKind::set || !op.except_clients.empty() || op.value.parts.size() != 1 || !r.action.proxy)
      return false;
    const TemplatePart& v = op.value.parts[0];
    if (!v.converters.empty()) return false;
    const std::string name = lower(op.name);
    const bool own = v.var == Var::request_header && lower(v.value) == name;
    if (name == "host") return own && (op.omit_empty || !may_be_empty(op.value));
    // Hop-by-hop: the route's `upgrade` says whether an upgrade passes.
    if (name == "upgrade") return own && op.omit_empty;
    if (name != "connection" || v.var != Var::map || !op.omit_empty) return false;
    for (const auto& m : c_.maps) {
      if (m.name != v.value) continue;
      bool shape = !m.hostnames && m.source.parts.size() == 1 && m.source.parts[0].var == Var::request_header &&
                   lower(m.source.parts[0].value) == "upgrade" && m.source.parts[0].converters.empty() &&
                   render(m.default_value) == "upgrade" && m.entries.size() == 1 &&
                   m.entries[0].match == MapMatch::exact && m.entries[0].pattern.empty() &&
                   render(m.entries[0].value).empty();
      if (shape && !expanded_maps_.count(m.name)) expanded_maps_.insert(m.name);  // noted by stub() already
      return shape;
    }
    return false;
  }

  static int64_t approximate_fail_timeout(const HealthCheck& h) {
    return (std::max<int64_t>(1, h.interval_ms * std::max(1, h.rise)) + 999) / 1000 * 1000;
  }

  // Active checks take a server out after `fall` failures for about `rise` checks.
  // Where the other side has the same servers without active checks but with the
  // passive accounting that approximates them (nginx's translation: max_fails fall,
  // fail_timeout inter x rise in whole seconds), the servers say that too: the lost
  // checks remain one difference (health_check).
  bool passive_approximation(const Pool& p) {
    if (!p.health_check || !other_) return false;
    // Asked for each route to the pool: answered once, in finish().
    if (auto it = approximated_.find(&p); it != approximated_.end()) return it->second;
    return approximated_.emplace(&p, approximates(p)).first->second;
  }

  bool approximates(const Pool& p) const {
    for (const auto& s : p.servers)
      if (s.max_fails != 0) return false;
    const int fall = std::max(1, p.health_check->fall);
    const int64_t window = approximate_fail_timeout(*p.health_check);
    for (const auto& o : other_->pools) {
      if (o.health_check || o.servers.size() != p.servers.size()) continue;
      bool same = std::all_of(p.servers.begin(), p.servers.end(), [&](const UpstreamServer& s) {
        return std::any_of(o.servers.begin(), o.servers.end(), [&](const UpstreamServer& x) {
          return server_key(x) == server_key(s) && x.max_fails == fall && x.fail_timeout_ms == window;
        });
      });
      if (same) return true;
    }
    return false;
  }

  // Each route proxying to a pool refers to it: its JSON made once, under its own path
  // ("pools/N", where its places are recorded), and a route holds only the reference
  // (resolve() reads it). Copied into every route, the pools were most of a large
  // configuration's comparison.
  json::value pool(const Pool& p) {
    auto it = pool_index_.find(&p);
    if (it == pool_index_.end()) {  // only in finish(): the routes are made after it
      it = pool_index_.emplace(&p, pools_json_.size()).first;
      std::string path = fmt::format("pools/{}", it->second);
      locs_[path] = p.loc;
      PoolPlaces& places = pool_places_.emplace_back(PoolPlaces{p.loc, {}});
      for (const auto& s : p.servers) {
        std::string key = "servers/" + server_key(s);
        locs_[path + "/" + key] = s.loc;
        auto same = std::find_if(places.servers.begin(), places.servers.end(), [&](const auto& e) { return e.first == key; });
        if (same != places.servers.end()) same->second = s.loc;  // as locs_: the last
        else places.servers.emplace_back(std::move(key), s.loc);
      }
      pools_json_.push_back(pool_json(p));
    }
    return json::string(fmt::format("{}{}", pool_ref, it->second));
  }

 public:
  // A value, or the pool a reference names; `path` becomes the pool's own path.
  const json::value& resolve(const json::value& v, std::string& path) const {
    size_t index = 0;
    if (!pool_reference(v, index)) return v;
    path = fmt::format("pools/{}", index);
    return pools_json_[index];
  }
  // Whether `v` stands for something else (a pool), so that two equal texts may differ.
  static bool reference(const json::value& v) {
    if (!v.is_string()) return false;
    std::string_view s = v.get_string();
    return !s.empty() && s.front() == pool_ref.front();
  }
  const json::value& resolve(const json::value& v) const {
    size_t index = 0;
    return pool_reference(v, index) ? pools_json_[index] : v;
  }
  // Whether more than one route refers to the pool a reference names: a pool of one
  // route (Caddy gives each route its own) is compared once, with no need to keep what
  // was found for another route.
  bool shared_pool(const json::value& v) const {
    size_t index = 0;
    return pool_reference(v, index) && pool_routes_.size() > index && pool_routes_[index] > 1;
  }

 private:
  static constexpr std::string_view pool_ref = "\x01pool ";  // no IR text starts with a control character

  static bool pool_reference(const json::value& v, size_t& index) {
    if (!v.is_string()) return false;
    std::string_view s = v.get_string();
    if (s.size() <= pool_ref.size() || s.compare(0, pool_ref.size(), pool_ref) != 0) return false;
    index = std::stoul(std::string(s.substr(pool_ref.size())));
    return true;
  }

  json::value pool_json(const Pool& p) {
    json::object o = std::move(json::value_from(p).as_object());
    json::object servers;
    const bool approximated = passive_approximation(p);
    for (UpstreamServer s : p.servers) {
      if (approximated) {
        s.max_fails = std::max(1, p.health_check->fall);
        s.fail_timeout_ms = approximate_fail_timeout(*p.health_check);
      }
      json::object v = std::move(clean(json::value_from(s)).as_object());
      v.erase("address");
      v.erase("port");
      if (s.max_fails == 0) v.erase("fail_timeout_ms");  // no passive accounting: no window
      servers[server_key(s)] = std::move(v);
    }
    o["servers"] = std::move(servers);
    return clean(std::move(o));
  }

  // Looked up by views (of a path and its parents), without copying them.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  template <typename T>
  using ByText = std::unordered_map<std::string, T, TextHash, std::equal_to<>>;  // only looked up: no order needed

  const Config& c_;
  const Config* other_;
  json::object root_;
  ByText<const Pool*> pools_;
  ByText<SourceLoc> locs_;
  std::set<std::string> expanded_maps_;  // maps read as routes (expand_map_dispatch)
  // The routes stub() stands for; in a deque, as a vector growing copied them (a
  // Route's move may throw) and a large configuration has tens of thousands.
  std::deque<Pending> pending_;
  std::map<const Pool*, size_t> pool_index_;  // pool(): each pool's place in pools_json_
  std::vector<json::value> pools_json_;
  std::vector<size_t> pool_routes_;  // by pool index: how many routes refer to it (finish())
  // Each pool's places by its index (pool()): its own, and its servers' by their key
  // under it ("servers/10.0.0.1:80"); loc() reads them through pool_place().
  struct PoolPlaces {
    SourceLoc pool;
    std::vector<std::pair<std::string, SourceLoc>> servers;
  };
  std::vector<PoolPlaces> pool_places_;
  std::map<const Pool*, bool> approximated_;       // passive_approximation()
};

// A value for a difference line; an element present on one side only is named by
// what matches it (a route's matcher), not dumped whole.
std::string show(const json::value& v) {
  if (v.is_string()) {  // one line: newlines escaped, long text cut
    std::string text;
    text.reserve(v.as_string().size());
    for (char ch : v.as_string()) {
      if (ch == '\n') text += "\\n";
      else text += ch;
    }
    return fmt::format("\"{}\"", text.size() > 160 ? text.substr(0, 157) + "..." : text);
  }
  if (v.is_object()) {
    const auto& o = v.as_object();
    if (auto it = o.find("match"); it != o.end() && it->value().is_string())
      return fmt::format("route matching {}", std::string(it->value().as_string()));
    return "{...}";
  }
  // Numbers and words as serialize() writes them, without a serializer each: most
  // differences are such values.
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_null()) return "null";
  std::string s = json::serialize(v);
  return s.size() > 160 ? s.substr(0, 157) + "..." : s;
}

// The differences between two pools, by their paths: every route to the same two
// pools finds the same ones, at the pools' places, named after the route. A
// configuration has few pools and many routes to each, and walking each pair again
// (with the place of each difference looked up by its path) was a good part of a large
// comparison. Shared by the comparison's two threads.
class PoolDifferences {
 public:
  // A pair's names only differ by the subject they start with, as long as it ends
  // alike: field() reads whether it is empty or ends with ':'.
  static int shape(const DifferenceSubject& subject) { return subject.empty() ? 0 : subject.back() == ':' ? 1 : 2; }

  using Skip = bool (*)(std::string_view key);
  using Key = std::tuple<std::string, std::string, int, Skip>;

  // A difference with its name after the subject.
  struct Found {
    SourceLoc a, b;
    std::string what, a_value, b_value;
  };
  using List = std::vector<Found>;

  std::shared_ptr<const List> find(const Key& key) const {
    std::lock_guard lock(mutex_);
    auto it = pairs_.find(key);
    return it == pairs_.end() ? nullptr : it->second;
  }

  // The differences [first, last) the walk of a pair found under `subject`; a walk
  // made twice at once keeps the first.
  template <typename It>
  void keep(Key key, const DifferenceSubject& named, It first, It last) {
    auto list = std::make_shared<List>();
    const std::string subject = first != last ? named.str() : std::string();  // made only when something differs
    for (It d = first; d != last; ++d) {
      if (d->what.compare(0, subject.size(), subject) != 0) return;  // not named after the subject: walked each time
      list->push_back({d->a, d->b, d->what.substr(subject.size()), d->a_value, d->b_value});
    }
    std::lock_guard lock(mutex_);
    pairs_.emplace(std::move(key), std::move(list));
  }

 private:
  mutable std::mutex mutex_;
  std::map<Key, std::shared_ptr<const List>> pairs_;
};

// Walks both normalised sides together. `pa`/`pb` are each side's path (they differ
// once routes are aligned), `subject` the readable name of where we are.
struct Differ {
  Normalized& a;
  Normalized& b;
  std::vector<Difference> out;
  // Where the top-level walk's differences go, in order (the tasks of run() keep
  // theirs in `out` for it to pass on).
  const DifferenceSink* sink = nullptr;
  // Each pair of pools walked once (PoolDifferences), shared by the tasks of run().
  std::shared_ptr<PoolDifferences> pools = std::make_shared<PoolDifferences>();

  // The routes being compared (pair()): nothing under a route has a place of its own
  // but its pool (walked under the pool's path), so the places of its differences are
  // the route's, found without looking each long path up.
  struct Scope {
    std::string path;
    SourceLoc loc;
  };
  Scope route_a{}, route_b{};

  static SourceLoc locate(const Normalized& n, const Scope& scope, const std::string& path) {
    const std::string& r = scope.path;
    if (!r.empty() && path.size() >= r.size() && path.compare(0, r.size(), r) == 0 &&
        (path.size() == r.size() || path[r.size()] == '/'))
      return scope.loc;
    return n.loc(path);
  }

  void add(const std::string& pa, const std::string& pb, std::string subject, std::string av, std::string bv) {
    out.push_back({locate(a, route_a, pa), locate(b, route_b, pb), std::move(subject), std::move(av), std::move(bv)});
  }

  // The path one key (or index) down from `path`, made in `storage` when needed. Under a
  // route (pair()) every place is the route's but its pool's, and a pool is walked
  // under its own path (walk()): the route's path stands for every path below it, as
  // locate() reads them alike, so that none of those is made.
  const std::string& below(const std::string& path, const Scope& scope, std::string_view key,
                           std::string& storage) const {
    if (!scope.path.empty() && path == scope.path) return path;
    storage = join(path, key);
    return storage;
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "/" + std::string(key);
  }
  static std::string field(const DifferenceSubject& subject, std::string_view key) {
    return DifferenceSubject(&subject, subject.field_separator(), key).str();
  }

  // Keys a walk passes over (a route's match, compared on its own).
  using Skip = bool (*)(std::string_view key);
  static bool skip_nothing(std::string_view) { return false; }

  void walk(const json::value& x1, const json::value& y1, const std::string& pa0, const std::string& pb0,
            const DifferenceSubject& subject, Skip skip = skip_nothing) {
    // A route is a stub until compared (Normalized::stub).
    json::value built_x, built_y;
    const json::value& x0 = a.full_route(x1, built_x);
    const json::value& y0 = b.full_route(y1, built_y);
    // A route's pool is a reference to the pool's one JSON (Normalized::pool): walked
    // there, under the pool's own path, so that its places are the pool's.
    std::string pool_a, pool_b;
    const json::value& x = a.resolve(x0, pool_a);
    const json::value& y = b.resolve(y0, pool_b);
    const std::string& pa = &x != &x0 ? pool_a : pa0;
    const std::string& pb = &y != &y0 ? pool_b : pb0;
    // Two pools: each pair walked once. A pool only one route refers to makes a pair
    // that never comes again: walked without keeping what it finds.
    if (&x != &x0 && &y != &y0 && a.shared_pool(x0) && b.shared_pool(y0)) {
      PoolDifferences::Key key{pa, pb, PoolDifferences::shape(subject), skip};
      if (auto found = pools->find(key)) {
        if (found->empty()) return;
        const std::string named = subject.str();
        for (const auto& d : *found) out.push_back({d.a, d.b, named + d.what, d.a_value, d.b_value});
        return;
      }
      size_t before = out.size();
      walk_resolved(x, y, pa, pb, subject, skip);
      pools->keep(std::move(key), subject, out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
      return;
    }
    walk_resolved(x, y, pa, pb, subject, skip);
  }

  void walk_resolved(const json::value& x, const json::value& y, const std::string& pa, const std::string& pb,
                     const DifferenceSubject& subject, Skip skip) {
    if (x.is_object() && y.is_object()) {
      const auto& ox = x.as_object();
      const auto& oy = y.as_object();
      // A different kind of action: the rest of it says nothing more.
      if (auto kx = ox.find("kind"), ky = oy.find("kind"); kx != ox.end() && ky != oy.end() && kx->value() != ky->value()) {
        add(join(pa, "kind"), join(pb, "kind"), field(subject, "kind"), show(kx->value()), show(ky->value()));
        return;
      }
      if (pa == "virtual_hosts" && pb == "virtual_hosts") {
        vhosts(ox, oy);
        return;
      }
      std::string below_a, below_b;  // the paths one key down, when made
      // Each key's partner: looked for where the key is in x first, as both sides'
      // objects are made by the same code (a lookup compares key after key).
      size_t place = 0;
      size_t paired = 0;  // y's keys with a partner
      for (const auto& kv : ox) {
        auto it = place < oy.size() && oy.begin()[place].key() == kv.key() ? oy.begin() + place : oy.find(kv.key());
        ++place;
        if (it != oy.end()) ++paired;
        if (skip(kv.key())) continue;
        // Most values are equal plain values: passed over before any name or path is made.
        if (it != oy.end() && !kv.value().is_structured() && kv.value() == it->value() &&
            !Normalized::reference(kv.value()))
          continue;
        std::string top;  // a top level's name (few keys), else the field's made when needed
        const DifferenceSubject sub = top_subject(pa, kv.key(), top) ? DifferenceSubject(nullptr, top)
                                                                     : DifferenceSubject(&subject, subject.field_separator(), kv.key());
        const std::string& ka = below(pa, route_a, kv.key(), below_a);
        if (it == oy.end()) {
          add(ka, pb, sub.str(), show(a.resolve(kv.value())), "");
          continue;
        }
        const std::string& kb = below(pb, route_b, kv.key(), below_b);
        const json::value& vx = kv.value();
        const json::value& vy = it->value();
        if (kv.key() == "routes" && vx.is_array() && vy.is_array())
          routes(vx.as_array(), vy.as_array(), ka, kb, subject);
        else if (!vx.is_structured() && !vy.is_structured() && !Normalized::reference(vx) &&
                 !Normalized::reference(vy))
          add(ka, kb, sub.str(), show(vx), show(vy));  // two plain values, different: what walk() would find
        else
          walk(vx, vy, ka, kb, sub);
      }
      if (paired == oy.size()) return;  // no key only in y
      for (const auto& kv : oy)
        if (!skip(kv.key()) && !ox.contains(kv.key()))
          add(pa, below(pb, route_b, kv.key(), below_b), top_or_field(pb, subject, kv.key()), "",
              show(b.resolve(kv.value())));
      return;
    }
    if (x.is_array() && y.is_array()) {
      const auto& ax = x.as_array();
      const auto& ay = y.as_array();
      size_t n = std::min(ax.size(), ay.size());
      std::string at_a, at_b;  // the paths of element i, when made
      auto element = [&](const std::string& path, const Scope& scope, size_t i, std::string& storage) -> const std::string& {
        if (!scope.path.empty() && path == scope.path) return path;  // as below()
        storage = fmt::format("{}/{}", path, i);
        return storage;
      };
      for (size_t i = 0; i < n; ++i) {
        char digits[24];
        const char* end = std::to_chars(digits, digits + sizeof digits, i).ptr;
        walk(ax[i], ay[i], element(pa, route_a, i, at_a), element(pb, route_b, i, at_b),
             DifferenceSubject(&subject, "[", std::string_view(digits, static_cast<size_t>(end - digits)), "]"));
      }
      for (size_t i = n; i < ax.size(); ++i) add(element(pa, route_a, i, at_a), pb, fmt::format("{}[{}]", subject.str(), i), show(ax[i]), "");
      for (size_t i = n; i < ay.size(); ++i) add(pa, element(pb, route_b, i, at_b), fmt::format("{}[{}]", subject.str(), i), "", show(ay[i]));
      return;
    }
    if (x != y) add(pa, pb, subject.str(), show(x), show(y));
  }

  // Virtual hosts by key ("names on listeners"); a host present on one side only is
  // paired with the other side's unpaired host on the same listeners, so that a
  // change of names (HAProxy frontends have none) still compares what they serve.
  void vhosts(const json::object& ox, const json::object& oy) {
    auto listeners_of = [](std::string_view key) {
      size_t on = key.rfind(" on ");
      return std::string(on == std::string_view::npos ? key : key.substr(on + 4));
    };
    std::vector<std::string> only_b;
    for (const auto& kv : oy)
      if (!ox.contains(kv.key())) only_b.emplace_back(kv.key());
    // Each host compared on its own: the hosts are shared between two threads (run()).
    std::vector<std::function<void(Differ&)>> tasks;
    for (const auto& kv : ox) {
      std::string key(kv.key());
      std::string p = "virtual_hosts/" + key;
      const json::value* x = &kv.value();
      if (auto it = oy.find(kv.key()); it != oy.end()) {
        const json::value* y = &it->value();
        tasks.push_back([=](Differ& d) { d.walk(*x, *y, p, p, DifferenceSubject(fmt::format("virtual host {}:", key))); });
        continue;
      }
      auto partner = std::find_if(only_b.begin(), only_b.end(),
                                  [&](const std::string& b) { return listeners_of(b) == listeners_of(key); });
      if (partner == only_b.end()) {
        tasks.push_back([=](Differ& d) { d.add(p, "virtual_hosts", fmt::format("virtual host {}:", key), show(*x), ""); });
        continue;
      }
      std::string pb = "virtual_hosts/" + *partner;
      std::string other = *partner;
      const json::value* y = &oy.at(*partner);
      tasks.push_back([=](Differ& d) {
        d.add(p, pb, "virtual host", fmt::format("\"{}\"", key), fmt::format("\"{}\"", other));
        d.walk(*x, *y, p, pb, DifferenceSubject(fmt::format("virtual host {}:", key)));
      });
      only_b.erase(partner);
    }
    for (const auto& key : only_b) {
      const json::value* y = &oy.at(key);
      tasks.push_back([=](Differ& d) {
        d.add("virtual_hosts", "virtual_hosts/" + key, fmt::format("virtual host {}:", key), "", show(*y));
      });
    }
    run(tasks);
  }

  // Hands what `out` holds to the sink, in order.
  void flush() {
    if (!sink) return;
    for (auto& d : out) (*sink)(std::move(d));
    out.clear();
  }

  // The tasks on two threads, their differences in the tasks' order: each task's as
  // soon as every earlier task's are passed on (by this thread, between its own
  // tasks), so that only the tasks in progress hold theirs.
  void run(const std::vector<std::function<void(Differ&)>>& tasks) {
    flush();
    std::vector<std::vector<Difference>> outs(tasks.size());
    std::vector<char> done(tasks.size(), 0);
    std::mutex finishing;
    size_t passed = 0;  // tasks whose differences are passed on
    const std::thread::id self = std::this_thread::get_id();
    auto pass_ready = [&] {
      for (;;) {
        std::vector<Difference> ready;
        {
          std::lock_guard lock(finishing);
          if (passed == tasks.size() || !done[passed]) return;
          ready = std::move(outs[passed++]);
        }
        for (auto& d : ready) {
          if (sink) (*sink)(std::move(d));
          else out.push_back(std::move(d));
        }
      }
    };
    each_on_threads(tasks.size(), 2, [&](size_t i) {
      Differ d{a, b, {}};
      d.pools = pools;
      tasks[i](d);
      {
        std::lock_guard lock(finishing);
        outs[i] = std::move(d.out);
        done[i] = 1;
      }
      if (std::this_thread::get_id() == self) pass_ready();
    });
    pass_ready();
  }

  // Names for the top levels ("virtual host K:", "listener K:", "map $m:"): whether
  // `path` is a top level, its key's name in `name` then.
  static bool top_subject(const std::string& path, std::string_view key, std::string& name) {
    if (path == "virtual_hosts") name = fmt::format("virtual host {}:", std::string(key));
    else if (path == "listeners") name = fmt::format("listener {}:", std::string(key));
    else if (path == "maps") name = fmt::format("map ${}:", std::string(key));
    else if (path == "responses") name = fmt::format("generated responses: {}", std::string(key));
    else if (path.empty()) name.clear();
    else return false;
    return true;
  }
  static std::string top_or_field(const std::string& path, const DifferenceSubject& subject, std::string_view key) {
    std::string name;
    return top_subject(path, key, name) ? name : field(subject, key);
  }

  static std::string match_of(const json::value& route) {
    if (route.is_object())
      if (auto it = route.as_object().find("match"); it != route.as_object().end() && it->value().is_string())
        return std::string(it->value().as_string());
    return "?";
  }

  static std::string kind_of(const json::value& route) {
    if (route.is_object())
      if (auto a = route.as_object().find("action"); a != route.as_object().end() && a->value().is_object())
        if (auto k = a->value().as_object().find("kind"); k != a->value().as_object().end())
          return json::serialize(k->value());
    return "?";
  }

  // Longest-common-subsequence alignment of two key lists: pairs (i, j), with -1 for
  // an element that has no partner.
  static std::vector<std::pair<int, int>> align(const std::vector<std::string>& xs, const std::vector<std::string>& ys) {
    // Compared as numbers, one per distinct key: the table compares every pair, and a
    // large host's matchers are long texts.
    std::unordered_map<std::string_view, int> ids;
    std::vector<int> x, y;
    x.reserve(xs.size());
    y.reserve(ys.size());
    for (const auto& k : xs) x.push_back(ids.try_emplace(k, static_cast<int>(ids.size())).first->second);
    for (const auto& k : ys) y.push_back(ids.try_emplace(k, static_cast<int>(ids.size())).first->second);
    size_t n = x.size(), m = y.size();
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
      for (size_t j = m; j-- > 0;)
        lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<std::pair<int, int>> out;
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i] == y[j]) out.emplace_back(static_cast<int>(i++), static_cast<int>(j++));
      else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) out.emplace_back(static_cast<int>(i++), -1);
      else out.emplace_back(-1, static_cast<int>(j++));
    }
    return out;
  }

  // Routes are first-match: aligned by their matchers, then what is left between two
  // aligned routes by their kind of action, so that one inserted route reads as one
  // difference and a route whose matcher changed is compared with its counterpart.
  void routes(const json::array& x, const json::array& y, const std::string& pa, const std::string& pb,
              const DifferenceSubject& subject) {
    std::vector<std::string> mx, my;
    for (const auto& r : x) mx.push_back(match_of(r));
    for (const auto& r : y) my.push_back(match_of(r));
    auto pair = [&](size_t ia, size_t jb) {
      std::string ra = fmt::format("{}/{}", pa, ia), rb = fmt::format("{}/{}", pb, jb);
      route_a = {ra, a.loc(ra)};
      route_b = {rb, b.loc(rb)};
      if (mx[ia] != my[jb]) add(join(ra, "match"), join(rb, "match"), subject.str() + " route", mx[ia], my[jb]);
      // Upstream request headers only matter when proxying.
      Skip skip = kind_of(x[ia]) != kind_of(y[jb])
                      ? +[](std::string_view k) { return k == "match" || k == "request_headers"; }
                      : +[](std::string_view k) { return k == "match"; };
      // The two routes' JSON made in one arena and freed at once: each is 100s of small
      // values, made and freed one by one otherwise.
      alignas(std::max_align_t) unsigned char first_block[16384];
      json::monotonic_resource arena(first_block, sizeof first_block);
      json::storage_ptr storage(&arena);
      json::value built_x, built_y;
      walk(a.full_route(x[ia], built_x, storage), b.full_route(y[jb], built_y, storage), ra, rb,
           DifferenceSubject(&subject, " route ", mx[ia], ":"), skip);
      route_a = route_b = {};
    };
    auto one_sided = [&](int ia, int jb) {
      // Named by its matcher, valued by what it does.
      auto action = [](const json::value& r) {
        std::string k = kind_of(r);
        return k.size() > 1 && k.front() == '"' ? k.substr(1, k.size() - 2) : k;
      };
      if (ia >= 0)
        add(fmt::format("{}/{}", pa, ia), pb, fmt::format("{} route {}", subject.str(), mx[static_cast<size_t>(ia)]),
            action(x[static_cast<size_t>(ia)]), "");
      else
        add(pa, fmt::format("{}/{}", pb, jb), fmt::format("{} route {}", subject.str(), my[static_cast<size_t>(jb)]), "",
            action(y[static_cast<size_t>(jb)]));
    };
    std::vector<int> gap_a, gap_b;
    auto flush_gap = [&] {
      std::vector<std::string> kx, ky;
      for (int i : gap_a) kx.push_back(kind_of(x[static_cast<size_t>(i)]));
      for (int j : gap_b) ky.push_back(kind_of(y[static_cast<size_t>(j)]));
      for (auto [gi, gj] : align(kx, ky)) {
        if (gi >= 0 && gj >= 0) pair(static_cast<size_t>(gap_a[static_cast<size_t>(gi)]), static_cast<size_t>(gap_b[static_cast<size_t>(gj)]));
        else one_sided(gi >= 0 ? gap_a[static_cast<size_t>(gi)] : -1, gj >= 0 ? gap_b[static_cast<size_t>(gj)] : -1);
      }
      gap_a.clear();
      gap_b.clear();
    };
    for (auto [i, j] : align(mx, my)) {
      if (i >= 0 && j >= 0) {
        flush_gap();
        pair(static_cast<size_t>(i), static_cast<size_t>(j));
      } else if (i >= 0) {
        gap_a.push_back(i);
      } else {
        gap_b.push_back(j);
      }
    }
    flush_gap();
  }
};

}  // namespace

struct Prepared::Side {
  const Config& config;
  std::unique_ptr<Normalized> normalized;
};

Prepared::Prepared(const Config& a) : side_(std::make_unique<Side>(Side{a, std::make_unique<Normalized>(a)})) {}
Prepared::Prepared(Prepared&&) noexcept = default;
Prepared& Prepared::operator=(Prepared&&) noexcept = default;
Prepared::~Prepared() = default;

namespace {

// The comparison of two sides normalised by themselves, each difference to `sink`.
void differences(std::unique_ptr<Normalized> na, const Config& a, std::unique_ptr<Normalized> nb, const Config& b,
                 const DifferenceSink& sink) {
  na->finish(&b);
  nb->finish(&a);
  Differ d{*na, *nb, {}};
  d.sink = &sink;
  d.walk(na->root(), nb->root(), "", "", DifferenceSubject(""));
  d.flush();
  // Freed side by side: on a large configuration each side's JSON takes a while.
  std::thread freeing([&] { nb.reset(); });
  na.reset();
  freeing.join();
}

DifferenceSink collect_into(std::vector<Difference>& all) {
  return [&all](Difference&& d) { all.push_back(std::move(d)); };
}

}  // namespace

void compare(Prepared a, const Config& b, const DifferenceSink& sink) {
  differences(std::move(a.side_->normalized), a.side_->config, std::make_unique<Normalized>(b, 2), b, sink);
}

std::vector<Difference> compare(Prepared a, const Config& b) {
  std::vector<Difference> all;
  compare(std::move(a), b, collect_into(all));
  return all;
}

std::vector<Difference> compare(const Config& a, const Config& b) {
  // The two sides are normalised each on its own thread: each reads only its own
  // configuration, and on a large one each is a good part of the comparison.
  std::optional<Prepared> pa;
  std::thread first([&] { pa.emplace(a); });
  std::unique_ptr<Normalized> nb = std::make_unique<Normalized>(b);
  first.join();
  std::vector<Difference> all;
  differences(std::move(pa->side_->normalized), a, std::move(nb), b, collect_into(all));
  return all;
}

std::string format_differences(const std::vector<Difference>& diffs) {
  std::string out;
  for (const auto& d : diffs) {
    auto where = [](const SourceLoc& l) {
      return l.line ? fmt::format("{}:{}", l.file.view(), l.line) : fmt::format("{}", l.file.view());
    };
    if (d.b_value.empty()) out += fmt::format("{}: {} only in A: {}\n", where(d.a), d.what, d.a_value);
    else if (d.a_value.empty()) out += fmt::format("{}: {} only in B: {}\n", where(d.b), d.what, d.b_value);
    else out += fmt::format("{}: {} {} vs {}: {}\n", where(d.a), d.what, d.a_value, where(d.b), d.b_value);
  }
  return out;
}

}  // namespace pg::ir
