#include "caddy/values.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "ir/text.h"

namespace pg::caddy {

std::optional<int64_t> parse_duration_ms(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  double total_ms = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == start || i - start > 18) return std::nullopt;
    std::string number(s.substr(start, i - start));
    if (number.find('.') != number.rfind('.') || number == ".") return std::nullopt;
    double value = std::stod(number);
    size_t unit_start = i;
    while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
    std::string_view unit = s.substr(unit_start, i - unit_start);
    double scale;
    if (unit == "ns") scale = 1e-6;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") scale = 1e-3;
    else if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60000;
    else if (unit == "h") scale = 3600000;
    else if (unit == "d") scale = 86400000;
    else return std::nullopt;
    total_ms += value * scale;
    if (total_ms > 9.2e15) return std::nullopt;
  }
  return static_cast<int64_t>(std::floor(total_ms));
}

std::optional<int64_t> parse_size(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0 || i > 15) return std::nullopt;
  double value = std::stod(std::string(s.substr(0, i)));
  std::string unit;
  for (char c : s.substr(i))
    if (c != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<std::string_view, double> units[] = {
      {"", 1}, {"b", 1}, {"k", 1e3}, {"kb", 1e3}, {"m", 1e6}, {"mb", 1e6}, {"g", 1e9}, {"gb", 1e9},
      {"t", 1e12}, {"tb", 1e12}, {"ki", 1024.0}, {"kib", 1024.0}, {"mi", 1048576.0}, {"mib", 1048576.0},
      {"gi", 1073741824.0}, {"gib", 1073741824.0}, {"ti", 1099511627776.0}, {"tib", 1099511627776.0}};
  for (const auto& [name, scale] : units)
    if (unit == name) return static_cast<int64_t>(value * scale);
  return std::nullopt;
}

std::optional<int> parse_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

namespace {

void push_literal(ir::Template& t, std::string_view s) {
  if (s.empty()) return;
  if (!t.parts.empty() && t.parts.back().var == ir::Var::literal) t.parts.back().value += s;
  else t.parts.push_back({ir::Var::literal, std::string(s)});
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Caddy's placeholder names (with their Caddyfile shorthands) onto the IR's variables:
// one table for both directions (parse_template and placeholder_for). The first name
// of a variable is the one the emitter writes.
struct Simple { std::string_view name; ir::Var var; };
const Simple simple[] = {
    {"remote_host", ir::Var::client_address}, {"http.request.remote.host", ir::Var::client_address},
    {"client_ip", ir::Var::client_address}, {"http.vars.client_ip", ir::Var::client_address},
    {"remote_port", ir::Var::client_port}, {"http.request.remote.port", ir::Var::client_port},
    {"host", ir::Var::host}, {"http.request.host", ir::Var::host},
    {"scheme", ir::Var::scheme}, {"http.request.scheme", ir::Var::scheme},
    {"method", ir::Var::method}, {"http.request.method", ir::Var::method},
    {"uri", ir::Var::request_uri}, {"http.request.uri", ir::Var::request_uri},
    {"path", ir::Var::path}, {"http.request.uri.path", ir::Var::path},
    {"query", ir::Var::query}, {"http.request.uri.query", ir::Var::query},
    {"http.request.proto", ir::Var::protocol},
    {"http.request.port", ir::Var::server_port},
    {"upstream_hostport", ir::Var::upstream_addr}, {"http.reverse_proxy.upstream.hostport", ir::Var::upstream_addr},
    {"system.hostname", ir::Var::hostname},
    {"http.request.local.host", ir::Var::server_address},
    {"http.request.local.port", ir::Var::server_port},
};

// Placeholders that name something: {prefix + value}. The first prefix is written.
struct Named { ir::Var var; std::string_view prefixes[2]; };
const Named named[] = {
    {ir::Var::request_header, {"header.", "http.request.header."}},
    {ir::Var::cookie, {"cookie.", "http.request.cookie."}},
    {ir::Var::query_arg, {"query.", "http.request.uri.query."}},
};

std::optional<ir::TemplatePart> placeholder(std::string_view name) {
  using ir::Var;
  for (const auto& s : simple)
    if (name == s.name) return ir::TemplatePart{s.var, ""};
  if (name == "hostport" || name == "http.request.hostport") return ir::TemplatePart{Var::request_header, "Host"};
  for (const auto& n : named)
    for (std::string_view p : n.prefixes)
      if (starts_with(name, p) && name.size() > p.size()) return ir::TemplatePart{n.var, std::string(name.substr(p.size()))};
  // {re.NAME.GROUP}: a capture of the path_regexp / header_regexp matcher NAME.
  for (std::string_view p : {"re.", "http.regexp."}) {
    if (!starts_with(name, p)) continue;
    std::string_view rest = name.substr(p.size());
    size_t dot = rest.rfind('.');
    if (dot == std::string_view::npos || dot + 1 >= rest.size()) return std::nullopt;
    return ir::TemplatePart{Var::regex_capture, std::string(rest.substr(dot + 1))};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> placeholder_for(const ir::TemplatePart& part, std::string_view regex_name) {
  if (part.var == ir::Var::request_header && ir::to_lower(part.value) == "host") return std::string("hostport");
  for (const auto& s : simple)
    if (s.var == part.var) return std::string(s.name);
  for (const auto& n : named)
    if (n.var == part.var && !part.value.empty()) return std::string(n.prefixes[0]) + part.value;
  if (part.var == ir::Var::regex_capture && !regex_name.empty())
    return fmt::format("re.{}.{}", regex_name, part.value);
  return std::nullopt;
}

ir::Template parse_template(std::string_view s, std::string* error) {
  ir::Template t;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '{' || s[i + 1] == '}')) {
      push_literal(t, s.substr(i + 1, 1));
      i += 2;
      continue;
    }
    if (c == '{') {
      size_t close = s.find('}', i + 1);
      size_t space = s.find_first_of(" {", i + 1);
      if (close != std::string_view::npos && (space == std::string_view::npos || space > close) && close > i + 1) {
        std::string_view name = s.substr(i + 1, close - i - 1);
        if (auto part = placeholder(name)) {
          t.parts.push_back(*part);
        } else if (error && error->empty()) {
          *error = fmt::format("placeholder {{{}}} is not supported by proxyglot yet", name);
        }
        i = close + 1;
        continue;
      }
    }
    push_literal(t, s.substr(i, 1));
    ++i;
  }
  return t;
}

namespace {

// host[:port] with IPv6 in brackets; port 0 when absent. False when the port is bad.
bool split_host_port(std::string_view hp, std::string& host, int& port, std::string* error) {
  port = 0;
  if (!hp.empty() && hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) {
      *error = fmt::format("invalid address '{}': missing ']'", hp);
      return false;
    }
    host = std::string(hp.substr(1, close - 1));
    hp.remove_prefix(close + 1);
    if (hp.empty()) return true;
    if (hp.front() != ':') {
      *error = fmt::format("invalid address '{}'", hp);
      return false;
    }
    hp.remove_prefix(1);
  } else {
    size_t colon = hp.rfind(':');
    if (colon == std::string_view::npos) {
      host = std::string(hp);
      return true;
    }
    if (hp.find(':') != colon) {  // a bare IPv6 address
      host = std::string(hp);
      return true;
    }
    host = std::string(hp.substr(0, colon));
    hp.remove_prefix(colon + 1);
  }
  auto p = parse_int(hp);
  if (!p || *p > 65535) {
    *error = fmt::format("invalid port '{}'", hp);
    return false;
  }
  port = *p;
  return true;
}

}  // namespace

std::optional<Address> parse_site_address(const Word& w, std::string* error) {
  Address a;
  a.loc = w.loc;
  a.original = w.value;
  std::string_view s = w.value;
  if (!s.empty() && s.back() == ',') s.remove_suffix(1);
  if (size_t scheme = s.find("://"); scheme != std::string_view::npos) {
    a.scheme = std::string(s.substr(0, scheme));
    if (a.scheme != "http" && a.scheme != "https") {
      *error = fmt::format("unsupported URL scheme {}://", a.scheme);
      return std::nullopt;
    }
    s.remove_prefix(scheme + 3);
  }
  if (size_t slash = s.find('/'); slash != std::string_view::npos) {
    a.path = std::string(s.substr(slash));
    s = s.substr(0, slash);
  }
  if (s.find('{') != std::string_view::npos) {
    *error = fmt::format("placeholder in site address '{}' is not supported by proxyglot yet", w.value);
    return std::nullopt;
  }
  if (!split_host_port(s, a.host, a.port, error)) return std::nullopt;
  if (a.port == 0 && s.find(':') != std::string_view::npos && s.back() == ':') {
    *error = fmt::format("invalid port '' in '{}'", w.value);
    return std::nullopt;
  }
  for (auto& c : a.host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return a;
}

std::optional<Upstream> parse_upstream(std::string_view s, std::string* error) {
  Upstream u;
  if (s.find('{') != std::string_view::npos) {
    *error = fmt::format("upstream '{}' with placeholders is not supported by proxyglot yet", s);
    return std::nullopt;
  }
  if (size_t scheme = s.find("://"); scheme != std::string_view::npos) {
    u.scheme = std::string(s.substr(0, scheme));
    if (u.scheme != "http" && u.scheme != "https" && u.scheme != "h2c") {
      *error = fmt::format("unsupported URL scheme {}://", u.scheme);
      return std::nullopt;
    }
    s.remove_prefix(scheme + 3);
  } else if (s.substr(0, 5) == "unix/") {
    *error = fmt::format("unix socket upstream '{}' is not supported by proxyglot yet", s);
    return std::nullopt;
  }
  if (size_t slash = s.find('/'); slash != std::string_view::npos) {
    *error = fmt::format("upstream address '{}' has a path; upstream addresses cannot have paths", s);
    return std::nullopt;
  }
  if (!split_host_port(s, u.host, u.port, error)) return std::nullopt;
  if (u.host.empty()) u.host = "localhost";
  if (u.port == 0) u.port = u.scheme == "https" ? 443 : 80;
  return u;
}

std::string regex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

ir::ClientLimits client_limits() {
  ir::ClientLimits l;
  l.max_body_bytes = 0;
  l.keepalive_timeout_ms = 300000;
  l.header_block_bytes = (1 << 20) + 4096;
  l.header_line_bytes = 0;
  l.request_line_bytes = 0;
  l.header_limit_status = 431;
  return l;
}

}  // namespace pg::caddy
