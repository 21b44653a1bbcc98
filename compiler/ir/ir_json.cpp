#include "ir/ir_json.h"

#include <stdexcept>

#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/json.hpp>

namespace pg {

// A source location is one string, "FILE:LINE:COL" ("" for built-in defaults), the
// same text a diagnostic starts with.
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const SourceLoc& loc) {
  if (loc.file.empty() && loc.line == 0) {
    v = boost::json::string();
    return;
  }
  v = boost::json::string(loc.file.str() + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column));
}

SourceLoc tag_invoke(boost::json::value_to_tag<SourceLoc>, const boost::json::value& v) {
  std::string s(v.as_string());
  SourceLoc loc;
  if (s.empty()) return loc;
  size_t c2 = s.rfind(':');
  size_t c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : s.rfind(':', c2 - 1);
  if (c1 == std::string::npos) throw std::runtime_error("invalid source location \"" + s + "\"");
  loc.file = s.substr(0, c1);
  loc.line = std::stoi(s.substr(c1 + 1, c2 - c1 - 1));
  loc.column = std::stoi(s.substr(c2 + 1));
  return loc;
}

}  // namespace pg

namespace pg::ir {

// Enumerators that collide with C++ keywords carry a trailing '_' in code and none in
// JSON ("not", "continue", "break"). Found by ADL ahead of Boost's own described-enum
// conversion.
template <class E, class = std::enable_if_t<boost::describe::has_describe_enumerators<E>::value>>
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, E e) {
  std::string name = boost::describe::enum_to_string(e, "?");
  if (!name.empty() && name.back() == '_') name.pop_back();
  v = boost::json::string(name);
}

template <class E, class = std::enable_if_t<boost::describe::has_describe_enumerators<E>::value>>
E tag_invoke(boost::json::value_to_tag<E>, const boost::json::value& v) {
  std::string name(v.as_string());
  E e{};
  if (boost::describe::enum_from_string(name.c_str(), e)) return e;
  if (boost::describe::enum_from_string((name + "_").c_str(), e)) return e;
  throw std::runtime_error("unknown enum value \"" + name + "\"");
}

namespace {

void pretty(const boost::json::value& v, std::string& out, int indent) {
  auto pad = [&](int n) { out.append(static_cast<size_t>(n) * 2, ' '); };
  switch (v.kind()) {
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) { out += "{}"; return; }
      out += "{\n";
      bool first = true;
      for (const auto& kv : o) {
        if (!first) out += ",\n";
        first = false;
        pad(indent + 1);
        out += boost::json::serialize(boost::json::string(kv.key()));
        out += ": ";
        pretty(kv.value(), out, indent + 1);
      }
      out += '\n';
      pad(indent);
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) { out += "[]"; return; }
      out += "[\n";
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += ",\n";
        pad(indent + 1);
        pretty(a[i], out, indent + 1);
      }
      out += '\n';
      pad(indent);
      out += ']';
      return;
    }
    default:
      out += boost::json::serialize(v);
  }
}

}  // namespace

std::string to_canonical_json(const Config& config) {
  std::string out;
  pretty(boost::json::value_from(config), out, 0);
  out += '\n';
  return out;
}

Config config_from_json(std::string_view json) {
  // Configurations are bytes: a value may hold bytes that are not UTF-8 (a Latin-1
  // header value), which the canonical form carries through unchanged.
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  boost::json::value v = boost::json::parse(json, {}, options);
  auto result = boost::json::try_value_to<Config>(v);
  if (!result) throw std::runtime_error("invalid IR JSON: " + result.error().message());
  return *result;
}

}  // namespace pg::ir
