#include "http/persistence.h"

#include <algorithm>

#include "ir/text.h"

namespace pg::runtime::persistence {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(name, value, pair) for each "name=value" of a Cookie field, in order, until
// f returns true.
template <class F>
bool each_cookie(std::string_view field, F&& f) {
  while (!field.empty()) {
    const size_t semi = field.find(';');
    const std::string_view pair = trimmed(field.substr(0, semi));
    field = semi == std::string_view::npos ? std::string_view() : field.substr(semi + 1);
    const size_t eq = pair.find('=');
    const std::string_view name = trimmed(pair.substr(0, eq));
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : trimmed(pair.substr(eq + 1));
    if (!pair.empty() && f(name, value, pair)) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> request_cookie(const ir::RequestView& request, std::string_view name, bool unquote) {
  std::optional<std::string> found;
  for (const auto& [field, text] : request.headers) {
    if (!ir::iequals(field, "cookie")) continue;
    if (each_cookie(text, [&](std::string_view n, std::string_view v, std::string_view) {
          if (n != name) return false;
          if (unquote && v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
          found = std::string(v);
          return true;
        }))
      break;
  }
  return found;
}

std::string without_cookie(std::string_view field, std::string_view name) {
  std::string out;
  each_cookie(field, [&](std::string_view n, std::string_view, std::string_view pair) {
    if (n == name) return false;
    if (!out.empty()) out += "; ";
    out += pair;
    return false;
  });
  return out;
}

bool sets_cookie(std::string_view set_cookie_value, std::string_view name) {
  const std::string_view pair = set_cookie_value.substr(0, set_cookie_value.find(';'));
  return trimmed(pair.substr(0, pair.find('='))) == name;
}

std::string set_cookie(const ir::CookiePersistence& cookie, const std::string& value) {
  std::string out = cookie.name + "=" + value;
  if (value.empty()) out += "; Expires=Thu, 01-Jan-1970 00:00:01 GMT";
  out += "; path=/";
  for (const auto& d : cookie.domains) out += "; domain=" + d;
  if (cookie.httponly) out += "; HttpOnly";
  if (cookie.secure) out += "; Secure";
  return out;
}

bool cacheable(std::string_view method, int status, std::span<const FieldList::Field> response) {
  if (method != "GET" && method != "HEAD") return false;
  static constexpr int kByDefault[] = {200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501};
  if (std::find(std::begin(kByDefault), std::end(kByDefault), status) == std::end(kByDefault)) return false;
  bool fresh = false, validator = false, null_max_age = false;
  for (const auto& f : response) {
    if (ir::iequals(f.name, "pragma")) {
      if (ir::iequals(trimmed(f.value), "no-cache")) return false;
    } else if (ir::iequals(f.name, "expires")) {
      fresh = true;
    } else if (ir::iequals(f.name, "last-modified") || ir::iequals(f.name, "etag")) {
      validator = true;
    } else if (ir::iequals(f.name, "cache-control")) {
      std::string_view rest = f.value;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string_view d = trimmed(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        auto starts = [&](std::string_view p) { return d.size() >= p.size() && ir::iequals(d.substr(0, p.size()), p); };
        if (ir::iequals(d, "private") || ir::iequals(d, "no-cache") || ir::iequals(d, "no-store") ||
            ir::iequals(d, "s-maxage=0"))
          return false;
        if (ir::iequals(d, "max-age=0")) null_max_age = true;
        else if (starts("s-maxage")) fresh = true, null_max_age = false;
        else if (starts("max-age")) fresh = true;
      }
    }
  }
  if (null_max_age) return false;
  return fresh || validator;
}

}  // namespace pg::runtime::persistence
