#include "nginx/variables.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace pg::nginx {

namespace {

using ir::Var;

// nginx's built-in variables and what they mean: the one table for both directions.
// Where two names mean the same (uri/document_uri, args/query_string), the first is
// the one the emitter writes.
const std::vector<std::pair<std::string, Var>>& variable_table() {
  static const std::vector<std::pair<std::string, Var>> table = {
      {"remote_addr", Var::client_address}, {"remote_port", Var::client_port},
      {"server_addr", Var::server_address}, {"server_port", Var::server_port},
      {"server_name", Var::server_name},    {"host", Var::host},
      {"scheme", Var::scheme},              {"request_method", Var::method},
      {"request_uri", Var::request_uri},    {"uri", Var::path},
      {"document_uri", Var::path},          {"args", Var::query},
      {"query_string", Var::query},         {"is_args", Var::query_mark},
      {"server_protocol", Var::protocol},   {"proxy_host", Var::upstream_host},
      {"proxy_add_x_forwarded_for", Var::forwarded_for_appended},
      {"request", Var::request_line},       {"status", Var::status},
      {"body_bytes_sent", Var::body_bytes_sent}, {"bytes_sent", Var::bytes_sent},
      {"request_length", Var::request_length},   {"request_time", Var::request_time},
      {"time_local", Var::time_local},      {"time_iso8601", Var::time_iso8601},
      {"msec", Var::msec},                  {"upstream_addr", Var::upstream_addr},
      {"upstream_status", Var::upstream_status},
      {"upstream_response_time", Var::upstream_response_time},
      {"upstream_connect_time", Var::upstream_connect_time},
      {"upstream_header_time", Var::upstream_header_time},
      {"remote_user", Var::remote_user},
      {"connection", Var::connection_id},   {"hostname", Var::hostname},
  };
  return table;
}

const std::map<std::string, Var>& builtin_variables() {
  static const std::map<std::string, Var> table = [] {
    std::map<std::string, Var> m;
    for (const auto& [name, var] : variable_table()) m.emplace(name, var);
    return m;
  }();
  return table;
}

// Request headers nginx exposes under their own names.
const std::map<std::string, std::string>& header_aliases() {
  static const std::map<std::string, std::string> table = {
      {"content_type", "content-type"}, {"content_length", "content-length"}};
  return table;
}

// Variables nginx 1.22 has that proxyglot cannot evaluate yet: named, not "unknown".
bool is_known_unsupported(const std::string& name) {
  static const std::set<std::string> names = {
      "binary_remote_addr", "request_body", "request_body_file", "request_id",
      "request_completion", "request_filename", "document_root", "realpath_root", "https",
      "pipe", "limit_rate", "nginx_version", "pid",
      "tcpinfo_rtt", "connection_requests", "connection_time", "proxy_port", "upstream_cache_status",
      "upstream_connect_time", "upstream_header_time", "upstream_bytes_received",
      "upstream_bytes_sent", "upstream_response_length", "realip_remote_addr",
      "realip_remote_port", "proxy_protocol_addr", "proxy_protocol_port", "server_protocol_",
      "gzip_ratio", "msie_refresh", "time_iso8601_", "geoip_country_code"};
  static const char* prefixes[] = {"ssl_", "sent_http_", "sent_trailer_", "upstream_http_",
                                   "upstream_cookie_", "upstream_trailer_", "jwt_", "geoip_"};
  if (names.count(name)) return true;
  for (const char* p : prefixes)
    if (name.rfind(p, 0) == 0) return true;
  return false;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

}  // namespace

std::optional<std::string> builtin_variable_name(ir::Var var) {
  for (const auto& [name, v] : variable_table())
    if (v == var) return name;
  return std::nullopt;
}

void collect_captures(const std::string& regex, std::set<std::string>& out) {
  for (size_t i = 0; (i = regex.find("(?", i)) != std::string::npos; i += 2) {
    size_t p = i + 2;
    if (p < regex.size() && regex[p] == 'P') ++p;
    if (p >= regex.size() || (regex[p] != '<' && regex[p] != '\'')) continue;
    char close = regex[p] == '<' ? '>' : '\'';
    size_t end = regex.find(close, p + 1);
    if (end == std::string::npos) continue;
    std::string name = regex.substr(p + 1, end - p - 1);
    if (!name.empty() && std::all_of(name.begin(), name.end(), is_name_char)) out.insert(name);
  }
}

std::optional<ir::Template> lower_template(const std::string& text, const SourceLoc& at,
                                           const VariableNames& names, Diagnostics& diags) {
  ir::Template t;
  auto literal = [&](std::string s) {
    if (s.empty()) return;
    if (!t.parts.empty() && t.parts.back().var == Var::literal) t.parts.back().value += s;
    else t.parts.push_back({Var::literal, std::move(s)});
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t dollar = text.find('$', i);
    if (dollar == std::string::npos) {
      literal(text.substr(i));
      break;
    }
    literal(text.substr(i, dollar - i));
    size_t p = dollar + 1;
    std::string name;
    if (p < text.size() && text[p] == '{') {
      size_t close = text.find('}', p + 1);
      if (close == std::string::npos) {
        diags.error(at, fmt::format("the closing bracket in \"{}\" variable is missing", text.substr(p + 1)));
        return std::nullopt;
      }
      name = text.substr(p + 1, close - p - 1);
      p = close + 1;
    } else if (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) {
      name = text.substr(p, 1);  // $1..$9: one digit, as nginx reads it
      p += 1;
    } else {
      size_t start = p;
      while (p < text.size() && is_name_char(text[p])) ++p;
      name = text.substr(start, p - start);
    }
    if (name.empty()) {
      diags.error(at, fmt::format("invalid variable name in \"{}\"", text));
      return std::nullopt;
    }
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    i = p;

    if (std::isdigit(static_cast<unsigned char>(lower[0]))) {
      t.parts.push_back({Var::regex_capture, lower});
    } else if (names.maps.count(lower)) {
      t.parts.push_back({Var::map, lower});
    } else if (names.captures.count(name)) {
      t.parts.push_back({Var::regex_capture, name});
    } else if (auto b = builtin_variables().find(lower); b != builtin_variables().end()) {
      t.parts.push_back({b->second, ""});
    } else if (auto h = header_aliases().find(lower); h != header_aliases().end()) {
      t.parts.push_back({Var::request_header, h->second});
    } else if (lower.rfind("http_", 0) == 0 && lower.size() > 5) {
      std::string header = lower.substr(5);
      std::replace(header.begin(), header.end(), '_', '-');
      t.parts.push_back({Var::request_header, header});
    } else if (lower.rfind("cookie_", 0) == 0 && lower.size() > 7) {
      t.parts.push_back({Var::cookie, name.substr(7)});
    } else if (lower.rfind("arg_", 0) == 0 && lower.size() > 4) {
      t.parts.push_back({Var::query_arg, name.substr(4)});
    } else if (is_known_unsupported(lower)) {
      diags.error(at, fmt::format("variable \"${}\" is not supported by proxyglot yet", lower));
      return std::nullopt;
    } else {
      diags.error(at, fmt::format("unknown \"{}\" variable", lower));
      return std::nullopt;
    }
  }
  return t;
}

}  // namespace pg::nginx
