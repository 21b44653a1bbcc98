#include "ir/route_select.h"
#include "ir/text.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>


namespace pg::ir {

namespace {


const std::string* header(const RequestView& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (iequals(n, name)) return &v;
  return nullptr;
}

void collect(const Matcher& m, std::vector<const Predicate*>& out) {
  if (m.predicate) out.push_back(&*m.predicate);
  for (const auto& c : m.children) collect(c, out);
}

std::string key(const std::string& pattern, bool caseless) { return (caseless ? "i:" : "s:") + pattern; }

}  // namespace

RouteSelector::RouteSelector(const VirtualHost& vhost, bool jit) : vhost_(vhost) {
  std::vector<const Predicate*> preds;
  for (const auto& r : vhost.routes) collect(r.match, preds);
  for (const auto* p : preds) {
    if (p->kind != PredKind::path_regex && p->kind != PredKind::header_regex) continue;
    auto k = key(p->value, p->case_insensitive);
    auto it = regexes_.find(k);
    if (it == regexes_.end()) {
      it = regexes_.emplace(std::move(k), std::make_unique<Regex>(p->value, p->case_insensitive)).first;
      if (jit) it->second->jit();
    }
    by_predicate_.emplace(p, it->second.get());
  }
}

RouteSelector::~RouteSelector() = default;

const Regex& RouteSelector::regex(const Predicate& p) const {
  // The routes' own predicates by address: no key string made per request.
  if (auto it = by_predicate_.find(&p); it != by_predicate_.end()) return *it->second;
  return *regexes_.at(key(p.value, p.case_insensitive));
}

bool RouteSelector::matches(const Matcher& m, const RequestView& r) const {
  switch (m.op) {
    case MatchOp::all:
      return std::all_of(m.children.begin(), m.children.end(), [&](const Matcher& c) { return matches(c, r); });
    case MatchOp::any:
      return std::any_of(m.children.begin(), m.children.end(), [&](const Matcher& c) { return matches(c, r); });
    case MatchOp::not_:
      return !m.children.empty() && !matches(m.children.front(), r);
    case MatchOp::predicate:
      break;
  }
  if (!m.predicate) return false;
  const Predicate& p = *m.predicate;
  auto eq = [&](std::string_view a, std::string_view b) { return p.case_insensitive ? iequals(a, b) : a == b; };
  switch (p.kind) {
    case PredKind::path_exact: return eq(r.path, p.value);
    case PredKind::path_prefix:
      return r.path.size() >= p.value.size() && eq(std::string_view(r.path).substr(0, p.value.size()), p.value);
    case PredKind::path_regex: return regex(p).matches(r.path);
    case PredKind::host: return iequals(r.host, p.value);
    case PredKind::header_present: return header(r, p.name) != nullptr;
    case PredKind::header_exact: {
      const std::string* v = header(r, p.name);
      return v && eq(*v, p.value);
    }
    case PredKind::header_regex: {
      const std::string* v = header(r, p.name);
      return v && regex(p).matches(*v);
    }
    case PredKind::method: return r.method == p.value;
    case PredKind::query: return r.query == p.value;
    case PredKind::query_arg:
    case PredKind::query_arg_present: {
      // name=value pairs separated by '&' (';' too, as HAProxy's url_param does), undecoded.
      size_t start = 0;
      while (start <= r.query.size()) {
        size_t end = r.query.find_first_of("&;", start);
        std::string pair = r.query.substr(start, end == std::string::npos ? std::string::npos : end - start);
        size_t sep = pair.find('=');
        std::string name = pair.substr(0, sep);
        if (!name.empty() && name == p.name) {
          if (p.kind == PredKind::query_arg_present) return true;
          if (sep != std::string::npos && eq(pair.substr(sep + 1), p.value)) return true;
        }
        if (end == std::string::npos) break;
        start = end + 1;
      }
      return false;
    }
    case PredKind::client_cidr: return cidr_contains(p.value, r.client_address);
    case PredKind::scheme: return r.scheme == p.value;
    case PredKind::upgrade: {
      const std::string* v = header(r, "upgrade");
      return v && iequals(*v, p.value);
    }
  }
  return false;
}

int RouteSelector::select(const RequestView& request) const {
  for (size_t i = 0; i < vhost_.routes.size(); ++i) {
    const Route& route = vhost_.routes[i];
    if (matches(route.match, request)) return route.internal ? -1 : static_cast<int>(i);
  }
  return -1;
}

namespace {

// The positive path regexes of a matcher, in evaluation order (the route's own regex
// comes last: guards are prepended).
void path_regexes(const Matcher& m, bool negated, std::vector<const Predicate*>& out) {
  if (m.op == MatchOp::predicate) {
    if (!negated && m.predicate && m.predicate->kind == PredKind::path_regex) out.push_back(&*m.predicate);
    return;
  }
  for (const auto& c : m.children) path_regexes(c, negated != (m.op == MatchOp::not_), out);
}

}  // namespace

void RouteSelector::capture(int route, RequestView& request) const {
  if (route < 0 || static_cast<size_t>(route) >= vhost_.routes.size()) return;
  std::vector<const Predicate*> regexes;
  path_regexes(vhost_.routes[static_cast<size_t>(route)].match, false, regexes);
  for (auto it = regexes.rbegin(); it != regexes.rend(); ++it) {
    std::map<std::string, std::string> named;
    if (regex(**it).match(request.path, request.captures, named)) {
      for (auto& [k, v] : named) request.named_captures[k] = v;
      return;
    }
  }
}

int RouteSelector::select_internal(const RequestView& request) const {
  for (size_t i = 0; i < vhost_.routes.size(); ++i)
    if (matches(vhost_.routes[i].match, request)) return static_cast<int>(i);
  return -1;
}

bool cidr_contains(const std::string& cidr, const std::string& address) {
  if (cidr == "all") return true;
  std::string net = cidr;
  int bits = -1;
  if (auto slash = cidr.find('/'); slash != std::string::npos) {
    net = cidr.substr(0, slash);
    bits = std::atoi(cidr.c_str() + slash + 1);
  }
  unsigned char a[16], b[16];
  size_t len = 0;
  if (inet_pton(AF_INET, net.c_str(), a) == 1 && inet_pton(AF_INET, address.c_str(), b) == 1) len = 4;
  else if (inet_pton(AF_INET6, net.c_str(), a) == 1 && inet_pton(AF_INET6, address.c_str(), b) == 1) len = 16;
  else return false;
  if (bits < 0) bits = static_cast<int>(len * 8);
  for (size_t i = 0; i < len && bits > 0; ++i, bits -= 8) {
    unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

}  // namespace pg::ir
