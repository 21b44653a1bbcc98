#include "haproxy/log_format.h"

#include <fmt/format.h>

namespace pg::haproxy {

using V = ir::Var;

// One table for both directions: the front end reads every name, the emitter writes
// the first name listed for a variable.
const std::vector<SampleFetch>& sample_fetches() {
  static const std::vector<SampleFetch> t = {
      {"src", V::client_address, false},  {"src_port", V::client_port, false},
      {"dst", V::server_address, false},  {"dst_port", V::server_port, false},
      {"path", V::path, false},           {"query", V::query, false},
      {"url", V::request_uri, false},     {"method", V::method, false},
      {"hostname", V::hostname, false},   {"ssl_fc", V::tls_active, false},
      // req.fhdr: the whole value of the header, commas included (req.hdr and hdr
      // return only the last comma-separated element).
      {"req.fhdr", V::request_header, true}, {"req.hdr", V::request_header, true},
      {"hdr", V::request_header, true},
      {"url_param", V::query_arg, true},  {"urlp", V::query_arg, true},
      {"req.cook", V::cookie, true},      {"cook", V::cookie, true},
  };
  return t;
}

const SampleFetch* fetch_for(ir::Var var) {
  for (const auto& f : sample_fetches())
    if (f.var == var) return &f;
  return nullptr;
}

// %x and %xx log variables usable while the request is processed.
const std::vector<LogVariable>& log_variables() {
  static const std::vector<LogVariable> t = {
      {"ci", {V::client_address}}, {"cp", {V::client_port}}, {"fi", {V::server_address}},
      {"fp", {V::server_port}},    {"H", {V::hostname}},     {"HM", {V::method}},
      {"HU", {V::request_uri}},    {"HP", {V::path}},        {"HQ", {V::query_mark, V::query}},
      {"HV", {V::protocol}},       {"r", {V::request_line}},
  };
  return t;
}

bool converter_known(const std::string& name, size_t nargs) {
  if (name == "lower" || name == "upper") return nargs == 0;
  if (name == "regsub") return nargs == 2 || nargs == 3;
  if (name == "field" || name == "word") return nargs == 2 || nargs == 3;
  return false;
}

namespace {


// Splits "a(b,c),d" at top-level commas, keeping parentheses balanced.
std::vector<std::string> split_top(const std::string& s, bool& ok) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  char quote = 0;  // inside a quoted argument: nothing is special but the quote
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      cur += c;
      cur += s[++i];
      continue;
    }
    if (quote) {
      if (c == quote) quote = 0;
      cur += c;
      continue;
    }
    if ((c == '"' || c == '\'') && depth > 0) {
      quote = c;
      cur += c;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) ok = false;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (depth != 0) ok = false;
  out.push_back(cur);
  return out;
}

// "name(a,b)" -> name, args. A backslash protects ',', '(', ')' and itself; before any
// other character it stays (regsub(\.,_) keeps its regex escape).
bool split_call(const std::string& s, std::string& name, std::vector<std::string>& args) {
  auto open = s.find('(');
  if (open == std::string::npos) {
    name = s;
    return true;
  }
  if (s.back() != ')') return false;
  name = s.substr(0, open);
  std::string inner = s.substr(open + 1, s.size() - open - 2);
  std::string cur;
  char quote = 0;  // HAProxy 2.6 reads quoted arguments: "a,b(c)" is one argument
  for (size_t i = 0; i < inner.size(); ++i) {
    char c = inner[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < inner.size() && (inner[i + 1] == '"' || inner[i + 1] == '\\'))
        cur += inner[++i];
      else cur += c;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (c == '\\' && i + 1 < inner.size()) {
      char n = inner[++i];
      if (n != ',' && n != '(' && n != ')' && n != '\\') cur += c;
      cur += n;
      continue;
    }
    if (c == ',') {
      args.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  args.push_back(cur);
  return true;
}

std::optional<ir::TemplatePart> fetch_part(const std::string& name, const std::vector<std::string>& args) {
  for (const auto& f : sample_fetches()) {
    if (f.name != name) continue;
    if (f.named != (args.size() == 1) || args.size() > 1) return std::nullopt;
    return ir::TemplatePart{f.var, f.named ? args[0] : ""};
  }
  return std::nullopt;
}

bool converter_ok(const std::string& name, size_t nargs) { return converter_known(name, nargs); }

std::optional<std::vector<ir::TemplatePart>> log_variable(const std::string& v) {
  for (const auto& lv : log_variables()) {
    if (lv.name != v) continue;
    std::vector<ir::TemplatePart> parts;
    for (V var : lv.vars) parts.push_back({var, ""});
    return parts;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ir::TemplatePart> lower_fetch_expr(Lowerer& lw, const std::string& expr, const SourceLoc& loc) {
  bool ok = true;
  auto items = split_top(expr, ok);
  if (!ok || items.empty() || items[0].empty()) {
    lw.error(loc, fmt::format("unbalanced parentheses in sample expression '{}'", expr));
    return std::nullopt;
  }
  std::string name;
  std::vector<std::string> args;
  if (!split_call(items[0], name, args)) {
    lw.error(loc, fmt::format("invalid sample fetch '{}'", items[0]));
    return std::nullopt;
  }
  auto part = fetch_part(name, args);
  if (!part) {
    lw.error(loc, fmt::format("sample fetch '{}' is not supported by proxyglot yet", items[0]));
    return std::nullopt;
  }
  for (size_t i = 1; i < items.size(); ++i) {
    ir::Converter c;
    if (!split_call(items[i], c.name, c.args) || !converter_ok(c.name, c.args.size())) {
      lw.error(loc, fmt::format("converter '{}' is not supported by proxyglot yet", items[i]));
      return std::nullopt;
    }
    part->converters.push_back(std::move(c));
  }
  return part;
}

std::optional<ir::Template> lower_log_format(Lowerer& lw, const Word& w) {
  ir::Template t;
  const std::string& s = w.value;
  std::string lit;
  auto flush = [&] {
    if (!lit.empty()) t.parts.push_back({V::literal, lit});
    lit.clear();
  };
  bool ok = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      lit += s[i];
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '%') {
      lit += '%';
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (j < s.size() && s[j] == '{') {  // %{+Q}x: flags change quoting only in logs
      size_t close = s.find('}', j);
      if (close == std::string::npos) {
        lw.error(w.loc, "missing '}' in log-format flags");
        return std::nullopt;
      }
      j = close + 1;
    }
    if (j < s.size() && s[j] == '[') {
      int depth = 0;
      size_t close = j;
      for (; close < s.size(); ++close) {
        if (s[close] == '[') ++depth;
        if (s[close] == ']' && --depth == 0) break;
      }
      if (close >= s.size()) {
        lw.error(w.loc, fmt::format("missing closing ']' in log-format '{}'", s));
        return std::nullopt;
      }
      auto part = lower_fetch_expr(lw, s.substr(j + 1, close - j - 1), w.loc);
      if (!part) {
        ok = false;
      } else {
        flush();
        t.parts.push_back(std::move(*part));
      }
      i = close;
      continue;
    }
    size_t k = j;
    while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
    // Longest known variable first: %HM before %H.
    std::optional<std::vector<ir::TemplatePart>> parts;
    size_t len = k - j;
    for (; len > 0; --len) {
      parts = log_variable(s.substr(j, len));
      if (parts) break;
    }
    if (!parts) {
      lw.error(w.loc, fmt::format("log-format variable '%{}' is not supported by proxyglot yet", s.substr(j, k - j)));
      ok = false;
      i = k > j ? k - 1 : j;
      continue;
    }
    flush();
    for (auto& p : *parts) t.parts.push_back(std::move(p));
    i = j + len - 1;
  }
  flush();
  if (!ok) return std::nullopt;
  return t;
}

}  // namespace pg::haproxy
