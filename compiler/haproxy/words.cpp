// HAProxy's word resolution (parse_line() in src/tools.c): quotes, backslash escapes
// and environment variables, which are expanded only inside double quotes.
#include <cstdlib>

#include <fmt/format.h>

#include "haproxy/parse.h"

extern char** environ;

namespace pg::haproxy {

Environment::Environment() {
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    vars_.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
}

const std::string* Environment::get(const std::string& name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

void Environment::keep_only(const std::vector<std::string>& names) {
  std::map<std::string, std::string> kept;
  for (const auto& n : names)
    if (auto it = vars_.find(n); it != vars_.end()) kept.insert(*it);
  vars_ = std::move(kept);
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool var_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

}  // namespace

Word resolve_word(const RawWord& raw, const Environment& env, Diagnostics& diags) {
  Word w;
  w.loc = raw.loc;
  std::string_view s = raw.text;
  if (raw.unclosed_quote) diags.error(raw.loc, "unmatched quote");
  bool squote = false, dquote = false;
  std::string& out = w.value;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (squote) {
      if (c == '\'') squote = false;
      else out += c;
      continue;
    }
    if (c == '\'' && !dquote) {
      squote = true;
      w.quoted = true;
      continue;
    }
    if (c == '"') {
      dquote = !dquote;
      w.quoted = true;
      continue;
    }
    if (c == '\\' && i + 1 < s.size()) {
      char n = s[++i];
      switch (n) {
        case 'r': out += '\r'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'x': {
          int hi = i + 1 < s.size() ? hex_digit(s[i + 1]) : -1;
          int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
          if (hi < 0 || lo < 0) {
            diags.error(raw.loc, "truncated or invalid hexadecimal sequence");
            break;
          }
          out += static_cast<char>(hi * 16 + lo);
          i += 2;
          break;
        }
        case ' ': case '#': case '\\': case '\'': case '"': case '$': out += n; break;
        default: out += '\\'; out += n; break;  // HAProxy keeps unknown escapes as written
      }
      continue;
    }
    if (c == '$' && dquote) {
      std::string name;
      size_t j = i + 1;
      if (j < s.size() && s[j] == '{') {
        size_t close = s.find('}', j);
        if (close == std::string_view::npos) {
          diags.error(raw.loc, "missing '}' after '${'");
          out += c;
          continue;
        }
        name = std::string(s.substr(j + 1, close - j - 1));
        i = close;
      } else {
        while (j < s.size() && var_char(s[j])) name += s[j++];
        if (name.empty()) {
          out += c;
          continue;
        }
        i = j - 1;
      }
      if (const std::string* v = env.get(name)) out += *v;  // undefined: empty, as in HAProxy
      continue;
    }
    out += c;
  }
  return w;
}

}  // namespace pg::haproxy
