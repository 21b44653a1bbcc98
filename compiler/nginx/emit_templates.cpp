// IR templates -> nginx complex values ("$host$request_uri"), through the front end's
// own variable table (variables.cpp) read in the other direction.
#include <algorithm>
#include <cctype>

#include <boost/describe/enum_to_string.hpp>
#include <fmt/format.h>

#include "nginx/emit_writer.h"
#include "nginx/variables.h"

namespace pg::nginx::emitter {

namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool all_name_chars(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), name_char);
}

}  // namespace

Templates::Templates(const ir::Config& config, Diagnostics& losses) : losses_(losses) {
  for (const auto& m : config.maps) map_names_.insert(m.name);
}

std::string Templates::fresh_map_name(const std::string& wanted) {
  std::string name = wanted;
  for (int i = 2; map_names_.count(name); ++i)
    name = fmt::format("{}_{}", wanted, i);
  map_names_.insert(name);
  return name;
}

// The variable's name without '$' (empty: nginx has none), set `ok` false on a loss.
std::string Templates::part(const ir::TemplatePart& p, const SourceLoc& at, std::string_view what, bool& ok) const {
  using ir::Var;
  auto lost = [&](std::string why) {
    ok = false;
    losses_.warning(at, fmt::format("nginx cannot express {} in {}: {}", why, what, "it is left out of the value"));
    return std::string();
  };
  if (!p.converters.empty()) {
    std::vector<std::string> names;
    for (const auto& c : p.converters) names.push_back(c.name);
    ok = false;  // the variable itself is still written: the nearest nginx can do
    losses_.warning(at, fmt::format("nginx cannot express the converter(s) {} in {}: the variable is used unconverted",
                                    fmt::join(names, ", "), what));
  }
  switch (p.var) {
    case Var::request_header: {
      std::string h = p.value;
      for (auto& c : h) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!all_name_chars(h)) return lost(fmt::format("the request header \"{}\"", p.value));
      return "http_" + h;
    }
    case Var::cookie:
      if (!all_name_chars(p.value)) return lost(fmt::format("the cookie \"{}\"", p.value));
      return "cookie_" + p.value;
    case Var::query_arg:
      if (!all_name_chars(p.value)) return lost(fmt::format("the query argument \"{}\"", p.value));
      return "arg_" + p.value;
    case Var::regex_capture:
      if (!all_name_chars(p.value)) return lost(fmt::format("the regex capture \"{}\"", p.value));
      return p.value;
    case Var::map:
      return p.value;
    case Var::request_time:
    case Var::time_local:
      if (!p.value.empty())
        return lost(fmt::format("the variable {} in its \"{}\" form", boost::describe::enum_to_string(p.var, "?"), p.value));
      [[fallthrough]];
    default:
      if (auto n = builtin_variable_name(p.var)) return *n;
      return lost(fmt::format("the variable {}", boost::describe::enum_to_string(p.var, "?")));
  }
}

std::string Templates::value(const ir::Template& t, const SourceLoc& at, std::string_view what) {
  std::string out;
  for (size_t i = 0; i < t.parts.size(); ++i) {
    const auto& p = t.parts[i];
    if (p.var == ir::Var::literal) {
      std::string text = p.value;
      if (text.find('$') != std::string::npos) {
        losses_.warning(at, fmt::format("nginx cannot express a literal '$' in {}: it is left out", what));
        text.erase(std::remove(text.begin(), text.end(), '$'), text.end());
      }
      out += text;
      continue;
    }
    bool ok = true;
    std::string name = part(p, at, what, ok);
    if (name.empty()) continue;
    // "${name}" when the next text would read as part of the name.
    const ir::TemplatePart* next = i + 1 < t.parts.size() ? &t.parts[i + 1] : nullptr;
    bool glued = next && next->var == ir::Var::literal && !next->value.empty() &&
                 (name_char(next->value[0]) || (std::isdigit(static_cast<unsigned char>(name[0])) && std::isdigit(static_cast<unsigned char>(next->value[0]))));
    out += glued ? "${" + name + "}" : "$" + name;
  }
  return out;
}

bool Templates::expressible(const ir::Template& t) const {
  for (const auto& p : t.parts) {
    if (!p.converters.empty()) return false;
    if (p.var == ir::Var::literal) {
      if (p.value.find('$') != std::string::npos) return false;
      continue;
    }
    switch (p.var) {
      case ir::Var::request_header: case ir::Var::cookie: case ir::Var::query_arg:
      case ir::Var::regex_capture: case ir::Var::map:
        break;
      case ir::Var::request_time: case ir::Var::time_local:
        if (!p.value.empty()) return false;
        break;
      default:
        if (!builtin_variable_name(p.var)) return false;
    }
  }
  return true;
}

}  // namespace pg::nginx::emitter
