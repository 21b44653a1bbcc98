// IR templates as Caddy placeholders, through the front end's own placeholder table
// (values.h placeholder_for).
#include <boost/describe/enum_to_string.hpp>
#include <fmt/format.h>

#include "caddy/emit_context.h"
#include "caddy/values.h"

namespace pg::caddy {

std::string EmitContext::matcher_name(std::string_view base) {
  std::string clean;
  for (char c : base)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') clean += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    else if (!clean.empty() && clean.back() != '_') clean += '_';
  while (!clean.empty() && clean.back() == '_') clean.pop_back();
  if (clean.empty()) clean = "route";
  if (std::isdigit(static_cast<unsigned char>(clean.front()))) clean = "m" + clean;
  std::string name = clean;
  for (int i = 2; matcher_names.count(name); ++i) name = fmt::format("{}{}", clean, i);
  matcher_names.insert(name);
  return name;
}

const ir::Pool* EmitContext::pool(const std::string& name) const {
  // By name, made on first use: thousands of handles look up their pool.
  if (pools_by_name.empty())
    for (const auto& p : config.pools) pools_by_name.emplace(p.name, &p);  // the first of a name, as before
  auto it = pools_by_name.find(name);
  return it == pools_by_name.end() ? nullptr : it->second;
}

std::string placeholders(EmitContext& cx, const ir::Template& t, const SourceLoc& loc, std::string_view regex_name) {
  std::string out;
  for (size_t i = 0; i < t.parts.size(); ++i) {
    const auto& part = t.parts[i];
    // "?" only when there is a query, then the query: Caddy has no conditional "?",
    // and an unconditional one adds "?" to every answer. Left out.
    if (part.var == ir::Var::query_mark && part.converters.empty() && i + 1 < t.parts.size() &&
        t.parts[i + 1].var == ir::Var::query && t.parts[i + 1].converters.empty()) {
      cx.cannot(loc, "the request's query after a value (\"?\" only when there is one)", "the query is left out");
      ++i;
      continue;
    }
    if (part.var == ir::Var::literal) {
      for (char c : part.value) {
        if (c == '{' || c == '}') out += '\\';
        out += c;
      }
      continue;
    }
    if (!part.converters.empty())
      cx.cannot(loc, fmt::format("the converter {} on a value", part.converters.front().name),
                "the value is used unconverted");
    if (auto name = placeholder_for(part, regex_name)) {
      out += "{" + *name + "}";
      continue;
    }
    std::string var = boost::describe::enum_to_string(part.var, "?");
    if (part.var == ir::Var::upstream_host) {
      out += "{upstream_hostport}";  // the target as written is the chosen upstream's host:port
      continue;
    }
    if (part.var == ir::Var::forwarded_for_appended) {
      out += "{remote_host}";  // Caddy does not trust an incoming X-Forwarded-For by default
      cx.cannot(loc, "the incoming X-Forwarded-For with the client address appended (other than as X-Forwarded-For)",
                "the client address alone is sent");
      continue;
    }
    if (part.var == ir::Var::server_name || part.var == ir::Var::host) {
      out += "{host}";
      continue;
    }
    if (part.var == ir::Var::query_mark) {
      out += "?";  // always: Caddy has no placeholder for it (the compare reports the difference)
      continue;
    }
    cx.cannot(loc, fmt::format("the value ${{{}{}}}", var, part.value.empty() ? "" : ":" + part.value),
              "it is left out of the value");
  }
  return out;
}

std::string size_text(int64_t bytes) {
  if (bytes > 0 && bytes % (1 << 30) == 0) return fmt::format("{}GiB", bytes >> 30);
  if (bytes > 0 && bytes % (1 << 20) == 0) return fmt::format("{}MiB", bytes >> 20);
  if (bytes > 0 && bytes % (1 << 10) == 0) return fmt::format("{}KiB", bytes >> 10);
  return std::to_string(bytes);
}

}  // namespace pg::caddy
