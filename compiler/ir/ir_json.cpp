#include "ir/ir_json.h"

#include <stdexcept>

#include <boost/json.hpp>

#include "ir/ir_json_conversions.h"

namespace pg::ir {

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
