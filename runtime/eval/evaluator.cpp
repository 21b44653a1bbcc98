#include "eval/evaluator.h"
#include "ir/text.h"

#include <algorithm>
#include <cctype>

namespace pg::runtime {

namespace {

using ir::iequals;

// Maps may refer to maps; nginx rejects a cycle when it happens. Bound the depth.
constexpr int kMaxMapDepth = 16;

using ir::to_lower;


bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// One map, indexed the way nginx looks it up: exact strings ignoring case, the
// longest "*.suffix" wildcard, the longest "prefix.*" wildcard, regexes in order.
struct Evaluator::MapTable {
  const ir::Map* map = nullptr;
  std::map<std::string, const ir::Template*> exact;
  std::vector<std::pair<std::string, const ir::Template*>> prefix_wildcards;  // ".example.com"
  std::vector<std::pair<std::string, const ir::Template*>> suffix_wildcards;  // "www.example."
  std::vector<std::pair<ir::Regex, const ir::Template*>> regexes;

  explicit MapTable(const ir::Map& m) : map(&m) {
    for (const auto& e : m.entries) {
      switch (e.match) {
        case ir::MapMatch::exact: exact.emplace(to_lower(e.pattern), &e.value); break;
        case ir::MapMatch::wildcard_prefix: prefix_wildcards.emplace_back(to_lower(e.pattern.substr(1)), &e.value); break;
        case ir::MapMatch::wildcard_suffix:
          suffix_wildcards.emplace_back(to_lower(e.pattern.substr(0, e.pattern.size() - 1)), &e.value);
          break;
        case ir::MapMatch::regex:
        case ir::MapMatch::regex_i: regexes.emplace_back(ir::Regex(e.pattern, e.match == ir::MapMatch::regex_i), &e.value); break;
      }
    }
  }

  const ir::Template* lookup(const std::string& value, ir::RequestView& request) const {
    std::string v = to_lower(value);
    if (auto it = exact.find(v); it != exact.end()) return it->second;
    const ir::Template* best = nullptr;
    size_t best_len = 0;
    for (const auto& [suffix, t] : prefix_wildcards)
      if (v.size() > suffix.size() && ends_with(v, suffix) && suffix.size() > best_len) best = t, best_len = suffix.size();
    if (best) return best;
    for (const auto& [prefix, t] : suffix_wildcards)
      if (v.size() > prefix.size() && v.compare(0, prefix.size(), prefix) == 0 && prefix.size() > best_len)
        best = t, best_len = prefix.size();
    if (best) return best;
    for (const auto& [re, t] : regexes)
      if (re.match(value, request.captures, request.named_captures)) return t;
    return &map->default_value;
  }
};

Evaluator::Evaluator(const ir::Config& config) {
  for (const auto& m : config.maps) maps_[m.name] = std::make_unique<MapTable>(m);
}

Evaluator::~Evaluator() = default;

std::string Evaluator::header(const ir::RequestView& request, const std::string& name) {
  const bool joined = iequals(name, "cookie") || iequals(name, "x-forwarded-for");
  std::string out;
  bool found = false;
  for (const auto& [n, v] : request.headers) {
    if (!iequals(n, name)) continue;
    if (!joined) return v;
    if (found) out += iequals(name, "cookie") ? "; " : ", ";
    out += v;
    found = true;
  }
  return out;
}

std::string Evaluator::cookie(const ir::RequestView& request, const std::string& name) {
  std::string all = header(request, "cookie");
  size_t i = 0;
  while (i < all.size()) {
    while (i < all.size() && (all[i] == ' ' || all[i] == ';')) ++i;
    size_t eq = all.find('=', i);
    size_t end = all.find(';', i);
    if (end == std::string::npos) end = all.size();
    if (eq != std::string::npos && eq < end && iequals(all.substr(i, eq - i), name))
      return all.substr(eq + 1, end - eq - 1);
    i = end + 1;
  }
  return {};
}

std::string Evaluator::query_arg(const ir::RequestView& request, const std::string& name) {
  const std::string& q = request.query;
  size_t i = 0;
  while (i <= q.size()) {
    size_t end = q.find('&', i);
    if (end == std::string::npos) end = q.size();
    size_t eq = q.find('=', i);
    std::string key = q.substr(i, (eq != std::string::npos && eq < end ? eq : end) - i);
    if (iequals(key, name)) return eq != std::string::npos && eq < end ? q.substr(eq + 1, end - eq - 1) : "";
    i = end + 1;
  }
  return {};
}

std::string Evaluator::map_value(const std::string& name, ir::RequestView& request, int depth) const {
  auto it = maps_.find(name);
  if (it == maps_.end() || depth > kMaxMapDepth) return {};
  std::string source = eval(it->second->map->source, request, depth + 1);
  return eval(*it->second->lookup(source, request), request, depth + 1);
}

std::string Evaluator::eval(const ir::Template& t, ir::RequestView& r) const { return eval(t, r, 0); }

std::string Evaluator::eval(const ir::Template& t, ir::RequestView& r, int depth) const {
  using V = ir::Var;
  std::string out;
  for (const auto& p : t.parts) {
    switch (p.var) {
      case V::literal: out += p.value; break;
      case V::client_address: out += r.client_address; break;
      case V::client_port: out += r.client_port; break;
      case V::server_address: out += r.server_address; break;
      case V::server_port: out += r.server_port; break;
      case V::server_name: out += r.server_name; break;
      case V::host: out += !r.host.empty() ? r.host : r.server_name; break;
      case V::scheme: out += r.scheme; break;
      case V::method: out += r.method; break;
      case V::request_uri: out += r.request_uri; break;
      case V::path: out += r.path; break;
      case V::query: out += r.query; break;
      case V::query_mark: out += r.query.empty() ? "" : "?"; break;
      case V::protocol: out += r.protocol; break;
      case V::request_header: out += header(r, p.value); break;
      case V::cookie: out += cookie(r, p.value); break;
      case V::query_arg: out += query_arg(r, p.value); break;
      case V::regex_capture: {
        if (!p.value.empty() && std::isdigit(static_cast<unsigned char>(p.value[0]))) {
          size_t n = static_cast<size_t>(std::stoul(p.value));
          if (n < r.captures.size()) out += r.captures[n];
        } else if (auto it = r.named_captures.find(p.value); it != r.named_captures.end()) {
          out += it->second;
        }
        break;
      }
      case V::map: out += map_value(p.value, r, depth); break;
      case V::upstream_host: out += r.upstream_host; break;
      case V::upstream_addr: out += r.upstream_addr; break;
      case V::forwarded_for_appended: {
        std::string xff = header(r, "x-forwarded-for");
        out += xff.empty() ? r.client_address : xff + ", " + r.client_address;
        break;
      }
      case V::remote_user: break;  // no authentication yet: empty
      default: break;  // response-time values: filled by the access logger, not here
    }
  }
  return out;
}

}  // namespace pg::runtime
