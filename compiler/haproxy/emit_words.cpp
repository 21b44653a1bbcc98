#include "haproxy/emit_words.h"

#include <algorithm>

#include <boost/describe/enum_to_string.hpp>
#include <fmt/format.h>

#include "haproxy/log_format.h"

namespace pg::haproxy::emitter {

std::string word(std::string_view s) {
  // Single quotes keep everything as written: the most readable quoting for regexes.
  bool plain = !s.empty() && s.find('\'') == std::string_view::npos;
  bool needs = false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20) plain = false;
    if (c == ' ' || c == '#' || c == '"' || c == '$') needs = true;
  }
  if (plain && needs) return "'" + std::string(s) + "'";
  bool bare = !s.empty();
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '#' || c == '\'' || c == '"' || c == '$' || c == '\r' || c == '\n' ||
        static_cast<unsigned char>(c) < 0x20)
      bare = false;
  std::string out;
  if (!bare) out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\') {
      // parse_line() keeps an unknown escape as written; a known one would change meaning.
      char n = i + 1 < s.size() ? s[i + 1] : '\0';
      bool known = n == '\0' || std::string_view("rntx #\\'\"$").find(n) != std::string_view::npos;
      out += known ? "\\\\" : "\\";
      continue;
    }
    if (!bare && (c == '"' || c == '$')) out += '\\';
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  if (!bare) out += '"';
  return out;
}

int capture_index(const std::string& regex, const std::string& name) {
  if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::stoi(name);
  int n = 0;
  bool cls = false;
  for (size_t i = 0; i < regex.size(); ++i) {
    char c = regex[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (cls) {
      if (c == ']') cls = false;
      continue;
    }
    if (c == '[') {
      cls = true;
      continue;
    }
    if (c != '(') continue;
    if (i + 1 < regex.size() && regex[i + 1] == '?') {
      // (?<name>...), (?P<name>...), (?'name'...) capture; other (?...) groups do not.
      size_t j = i + 2;
      if (j < regex.size() && regex[j] == 'P') ++j;
      if (j < regex.size() && (regex[j] == '<' || regex[j] == '\'') && j + 1 < regex.size() && regex[j + 1] != '=' &&
          regex[j + 1] != '!') {
        ++n;
        size_t end = regex.find_first_of(">'", j + 1);
        if (end != std::string::npos && regex.substr(j + 1, end - j - 1) == name) return n;
      }
      continue;
    }
    ++n;
  }
  return -1;
}

std::string slug(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= max) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::optional<std::string> literal_text(const ir::Template& t) {
  std::string out;
  for (const auto& p : t.parts) {
    if (p.var != ir::Var::literal) return std::nullopt;
    out += p.value;
  }
  return out;
}

namespace {

// A converter argument: in double quotes unless plain (HAProxy 2.6 reads a backslash in
// a regex as written there, and ',', '(' and ')' as part of the argument).
std::string conv_arg(const std::string& a) {
  bool plain = !a.empty();
  for (char c : a)
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("_./-:").find(c) == std::string_view::npos)
      plain = false;
  if (plain) return a;
  std::string out = "\"";
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c == '"' || (c == '\\' && i + 1 < a.size() && (a[i + 1] == '"' || a[i + 1] == '\\'))) out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string var_name(ir::Var v) { return boost::describe::enum_to_string(v, "?"); }

}  // namespace

std::optional<std::string> sample_expr(const ir::TemplatePart& p, std::string& why) {
  const SampleFetch* f = fetch_for(p.var);
  if (!f) {
    why = fmt::format("the variable {}", var_name(p.var));
    return std::nullopt;
  }
  std::string out(f->name);
  if (f->named) out += "(" + p.value + ")";
  for (const auto& c : p.converters) {
    if (!converter_known(c.name, c.args.size())) {
      why = fmt::format("the converter {}", c.name);
      return std::nullopt;
    }
    out += "," + c.name;
    if (!c.args.empty()) {
      out += "(";
      for (size_t i = 0; i < c.args.size(); ++i) out += (i ? "," : "") + conv_arg(c.args[i]);
      out += ")";
    }
  }
  return out;
}

std::optional<std::string> log_format(const ir::Template& t, const FormatEnv& env, std::string& why) {
  using V = ir::Var;
  std::string out;
  const auto& parts = t.parts;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    if (p.var == V::literal) {
      for (char c : p.value) out += c == '%' ? std::string("%%") : std::string(1, c);
      continue;
    }
    // Values HAProxy has under another form.
    if (p.converters.empty()) {
      if (p.var == V::server_name) {
        out += env.server_name;
        continue;
      }
      if (p.var == V::upstream_host) {
        out += env.authority;
        continue;
      }
      if (p.var == V::scheme) {
        if (env.scheme.empty()) {
          why = "the scheme on listeners with and without TLS";
          return std::nullopt;
        }
        out += env.scheme;
        continue;
      }
      if (p.var == V::host) {  // Host without its port, lower-cased
        out += "%[req.fhdr(host),field(1,:),lower]";
        continue;
      }
      if (p.var == V::regex_capture && env.captures_as_backrefs) {
        int n = capture_index(env.regex, p.value);
        if (n >= 0 && n <= 9) {
          out += "\\" + std::to_string(n);
          continue;
        }
      }
      // %HQ is "?query" or nothing, as query_mark then query.
      bool matched = false;
      for (const auto& lv : log_variables()) {
        if (lv.vars.size() < 2 || i + lv.vars.size() > parts.size()) continue;
        bool all = true;
        for (size_t k = 0; k < lv.vars.size(); ++k)
          all = all && parts[i + k].var == lv.vars[k] && parts[i + k].converters.empty();
        if (!all) continue;
        out += "%" + std::string(lv.name);
        i += lv.vars.size() - 1;
        matched = true;
        break;
      }
      if (matched) continue;
      if (p.var == V::protocol || p.var == V::request_line) {
        for (const auto& lv : log_variables())
          if (lv.vars.size() == 1 && lv.vars[0] == p.var) out += "%" + std::string(lv.name);
        continue;
      }
    }
    auto e = sample_expr(p, why);
    if (!e) return std::nullopt;
    out += "%[" + *e + "]";
  }
  return out;
}

}  // namespace pg::haproxy::emitter
