// Routes that pick a pool by one request header -> one location that proxies to the
// pool a map picks:
//
//   map $http_upgrade $pool_by_upgrade { default app; websocket ws; }
//   location / { proxy_pass http://$pool_by_upgrade; }
//
// nginx selects locations by path only; a map on the header chooses among pools
// within one. ir::compare reads such a route back as the routes it replaces
// (compiler/ir/equivalence.cpp, expand_map_dispatch).
#include <algorithm>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "ir/ir_json_conversions.h"
#include "ir/matchers.h"
#include "ir/regex.h"
#include "ir/text.h"
#include "nginx/emit_locations.h"
#include "nginx/emit_writer.h"

namespace pg::nginx::emitter {

namespace {

namespace json = boost::json;

// A matcher as `rest` and a last header predicate: header(H) or all(..., header(H)).
struct Split {
  ir::Matcher rest;
  ir::Predicate header;
};

bool is_header(const ir::Matcher& m) {
  if (m.op != ir::MatchOp::predicate || !m.predicate) return false;
  const auto& p = *m.predicate;
  // Host tests become server blocks (emit_servers.cpp).
  return (p.kind == ir::PredKind::header_exact || p.kind == ir::PredKind::header_regex) && !ir::iequals(p.name, "host");
}

std::optional<Split> split(const ir::Matcher& m) {
  if (is_header(m)) return Split{ir::always(), *m.predicate};
  if (m.op == ir::MatchOp::all && m.children.size() >= 2 && is_header(m.children.back())) {
    std::vector<ir::Matcher> rest(m.children.begin(), m.children.end() - 1);
    return Split{ir::all_of(std::move(rest)), *m.children.back().predicate};
  }
  return std::nullopt;
}

void strip_locs(json::value& v) {
  if (v.is_object()) {
    v.as_object().erase("loc");
    for (auto& kv : v.as_object()) strip_locs(kv.value());
  } else if (v.is_array()) {
    for (auto& e : v.as_array()) strip_locs(e);
  }
}

// What a route does besides its matcher and its pool: routes folded together must
// agree on all of it, since one location holds it.
std::string settings_key(const ir::Route& r) {
  ir::Route x = r;
  x.name.clear();
  x.match = ir::Matcher{};
  x.action.proxy->pool.clear();
  x.action.proxy->authority.clear();
  json::value v = json::value_from(x);
  strip_locs(v);
  return json::serialize(v);
}

std::string matcher_key(const ir::Matcher& m) { return json::serialize(json::value_from(m)); }

class Folder {
 public:
  explicit Folder(Context& ctx) : ctx_(ctx) {}

  std::vector<ir::Route> fold(const std::vector<ir::Route>& routes) {
    std::vector<ir::Route> out;
    for (size_t i = 0; i < routes.size();) {
      size_t next = i;
      if (auto folded = group_at(routes, i, next)) {
        out.push_back(std::move(*folded));
        i = next;
      } else {
        out.push_back(routes[i++]);
      }
    }
    return out;
  }

 private:
  bool foldable(const ir::Route& r) const {
    if (r.action.kind != ir::ActionKind::proxy || !r.action.proxy || r.internal) return false;
    const auto& p = *r.action.proxy;
    if (p.dynamic_target || p.pool.empty() || p.protocol == ir::UpstreamProtocol::grpc) return false;
    // A URI part with variables replaces the whole URI; nginx derives no Location
    // rewriting from a target with variables.
    if (p.uri_mode != ir::UriMode::unchanged || p.redirect_rewrite.mode != ir::RedirectRewriteMode::off) return false;
    auto pool = std::find_if(ctx_.config.pools.begin(), ctx_.config.pools.end(),
                             [&](const ir::Pool& x) { return x.name == p.pool; });
    return pool != ctx_.config.pools.end() && !pool->servers.empty();
  }

  // Header routes from `i` that share a path condition and settings, then the route
  // with that path condition alone: one route proxying to the pool a map picks.
  std::optional<ir::Route> group_at(const std::vector<ir::Route>& routes, size_t i, size_t& next) {
    auto first = split(routes[i].match);
    if (!first || !foldable(routes[i])) return std::nullopt;
    const std::string rest = matcher_key(first->rest);
    const std::string settings = settings_key(routes[i]);
    std::vector<std::pair<ir::Predicate, std::string>> choices;
    size_t j = i;
    for (; j < routes.size(); ++j) {
      auto s = split(routes[j].match);
      if (!s || !foldable(routes[j]) || matcher_key(s->rest) != rest || !ir::iequals(s->header.name, first->header.name) ||
          settings_key(routes[j]) != settings)
        break;
      choices.emplace_back(s->header, routes[j].action.proxy->pool);
    }
    if (j >= routes.size() || !foldable(routes[j]) || matcher_key(routes[j].match) != rest ||
        settings_key(routes[j]) != settings)
      return std::nullopt;

    ir::Map m;
    m.loc = routes[i].loc;
    std::string header = ir::to_lower(first->header.name);
    m.source.parts.push_back({ir::Var::request_header, header});
    bool regex_seen = false;
    for (const auto& [p, pool] : choices) {
      ir::MapEntry e;
      e.loc = routes[i].loc;
      e.value.parts.push_back({ir::Var::literal, pool});
      if (p.value.empty()) return std::nullopt;  // the map sees an absent header as ""
      if (p.kind == ir::PredKind::header_exact && p.case_insensitive && !regex_seen) {
        // nginx looks up exact strings (ignoring case) before regexes.
        e.pattern = p.value;
        const std::string& value = p.value;  // clang 14 (the fuzz build) cannot capture a structured binding
        bool dup = std::any_of(m.entries.begin(), m.entries.end(),
                               [&](const ir::MapEntry& x) { return ir::iequals(x.pattern, value); });
        if (!dup) m.entries.push_back(std::move(e));
        continue;
      }
      regex_seen = true;
      e.match = p.case_insensitive ? ir::MapMatch::regex_i : ir::MapMatch::regex;
      e.pattern = p.kind == ir::PredKind::header_exact ? "^" + regex_escape(p.value) + "$" : p.value;
      try {
        if (ir::Regex(e.pattern, p.case_insensitive).matches("")) return std::nullopt;
      } catch (const std::exception&) {
        return std::nullopt;
      }
      m.entries.push_back(std::move(e));
    }
    ir::Route folded = routes[j];
    m.default_value.parts.push_back({ir::Var::literal, folded.action.proxy->pool});
    std::string base;
    for (char c : header) base += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    m.name = ctx_.templates.fresh_map_name("pool_by_" + base);
    for (const auto& [p, pool] : choices) ctx_.map_pools.insert(pool);
    ctx_.map_pools.insert(folded.action.proxy->pool);
    folded.action.proxy->pool.clear();
    folded.action.proxy->authority.clear();
    folded.action.proxy->dynamic_target = ir::Template{{{ir::Var::map, m.name}}};
    folded.name = fmt::format("{} (and the {} routes before it, by the {} field)", folded.name, j - i, first->header.name);
    ctx_.generated_maps.push_back(std::move(m));
    next = j + 1;
    return folded;
  }

  Context& ctx_;
};

}  // namespace

void fold_header_dispatch(Context& ctx) {
  ctx.hosts = ctx.config.virtual_hosts;
  Folder f(ctx);
  for (auto& vh : ctx.hosts) vh.routes = f.fold(vh.routes);
}

void name_dispatch_pools(Context& ctx) {
  auto rename = [&](ir::Template& t) {
    for (auto& part : t.parts) {
      auto it = ctx.pools.upstream.find(part.value);
      if (part.var == ir::Var::literal && it != ctx.pools.upstream.end()) part.value = it->second;
    }
  };
  for (auto& m : ctx.generated_maps) {
    rename(m.default_value);
    for (auto& e : m.entries) rename(e.value);
  }
}

}  // namespace pg::nginx::emitter
