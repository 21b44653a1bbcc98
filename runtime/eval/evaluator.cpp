#include "eval/evaluator.h"
#include "ir/text.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

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

namespace {

// The n-th (1-based; negative counts from the end) of the `delims`-separated pieces of
// `s`, `count` pieces joined from there (0: to the end). HAProxy's field/word: word
// skips empty pieces, field keeps them.
std::string piece(const std::string& s, const std::vector<std::string>& args, bool skip_empty) {
  if (args.size() < 2) return s;
  long index = std::strtol(args[0].c_str(), nullptr, 10);
  long count = args.size() > 2 ? std::strtol(args[2].c_str(), nullptr, 10) : 1;
  const std::string& delims = args[1];
  std::vector<std::pair<size_t, size_t>> pieces;  // begin, end
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || delims.find(s[i]) != std::string::npos) {
      if (!skip_empty || i > start) pieces.emplace_back(start, i);
      start = i + 1;
    }
  }
  long n = static_cast<long>(pieces.size());
  long first = index > 0 ? index - 1 : n + index;
  if (index == 0 || first < 0 || first >= n) return {};
  long last = count <= 0 ? n - 1 : std::min(n - 1, first + count - 1);
  return s.substr(pieces[static_cast<size_t>(first)].first,
                  pieces[static_cast<size_t>(last)].second - pieces[static_cast<size_t>(first)].first);
}

std::string convert(std::string v, const ir::Converter& c) {
  if (c.name == "lower") return to_lower(std::move(v));
  if (c.name == "upper") {
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    return v;
  }
  if (c.name == "field") return piece(v, c.args, false);
  if (c.name == "word") return piece(v, c.args, true);
  if (c.name == "regsub" && c.args.size() >= 2) {
    const std::string flags = c.args.size() > 2 ? c.args[2] : "";
    ir::Regex re(c.args[0], flags.find('i') != std::string::npos);
    // HAProxy's \1 back-references become PCRE2's $1.
    std::string repl;
    for (size_t i = 0; i < c.args[1].size(); ++i) {
      if (c.args[1][i] == '\\' && i + 1 < c.args[1].size() && std::isdigit(static_cast<unsigned char>(c.args[1][i + 1]))) {
        repl += '$';
        continue;
      }
      if (c.args[1][i] == '$') repl += '$';  // a literal dollar
      repl += c.args[1][i];
    }
    return flags.find('g') != std::string::npos ? re.replace_all(v, repl) : re.replace_first(v, repl);
  }
  return v;  // the front end rejects converters it does not know
}

}  // namespace

std::string Evaluator::eval(const ir::Template& t, ir::RequestView& r, int depth) const {
  std::string out;
  for (const auto& p : t.parts) append(out, p, r, depth);
  return out;
}

std::string Evaluator::eval_part(const ir::TemplatePart& p, ir::RequestView& r) const {
  std::string out;
  append(out, p, r, 0);
  return out;
}

void Evaluator::append(std::string& out, const ir::TemplatePart& p, ir::RequestView& r, int depth) const {
  using V = ir::Var;
  if (!p.converters.empty()) {  // evaluate the part alone, then convert it
    std::string v;
    append(v, ir::TemplatePart{p.var, p.value}, r, depth);
    for (const auto& c : p.converters) v = convert(std::move(v), c);
    out += v;
    return;
  }
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
    case V::tls_active: out += r.scheme == "https" ? "1" : "0"; break;
    case V::forwarded_for_appended: {
      std::string xff = header(r, "x-forwarded-for");
      out += xff.empty() ? r.client_address : xff + ", " + r.client_address;
      break;
    }
    case V::remote_user: break;  // no authentication yet: empty
    default: append_outcome(out, p, r); break;  // values known once the response is sent
  }
}

}  // namespace pg::runtime
