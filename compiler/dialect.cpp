#include "dialect.h"

#include <filesystem>
#include <regex>

namespace pg {

std::string_view dialect_name(Dialect d) {
  switch (d) {
    case Dialect::nginx: return "nginx";
    case Dialect::caddy: return "caddy";
    case Dialect::haproxy: return "haproxy";
  }
  return "?";
}

std::string_view conventional_file_name(Dialect d) {
  switch (d) {
    case Dialect::nginx: return "nginx.conf";
    case Dialect::caddy: return "Caddyfile";
    case Dialect::haproxy: return "haproxy.cfg";
  }
  return "?";
}

std::optional<Dialect> parse_dialect(std::string_view name) {
  if (name == "nginx") return Dialect::nginx;
  if (name == "caddy") return Dialect::caddy;
  if (name == "haproxy") return Dialect::haproxy;
  return std::nullopt;
}

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Content heuristics: a line that starts the way only one dialect starts lines.
std::optional<Dialect> from_content(std::string_view content) {
  static const std::regex haproxy(R"(^\s*(global|defaults|frontend|backend|listen)(\s|$))",
                                  std::regex::multiline);
  static const std::regex nginx(R"(^\s*(http|events|server|upstream|location)\s*[^\n]*\{|;\s*(#.*)?$)",
                                std::regex::multiline);
  static const std::regex caddy(R"(^\s*(reverse_proxy|handle|handle_path|respond|redir|encode|tls)\s)",
                                std::regex::multiline);
  std::string head(content.substr(0, 64 * 1024));
  if (std::regex_search(head, haproxy)) return Dialect::haproxy;
  if (std::regex_search(head, caddy)) return Dialect::caddy;
  if (std::regex_search(head, nginx)) return Dialect::nginx;
  return std::nullopt;
}

}  // namespace

std::optional<Dialect> detect_dialect(const std::string& path, std::string_view content) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name == "nginx.conf" || ends_with(name, ".conf")) return Dialect::nginx;
  if (name == "Caddyfile" || ends_with(name, ".Caddyfile") || ends_with(name, ".caddyfile"))
    return Dialect::caddy;
  if (name == "haproxy.cfg" || ends_with(name, ".cfg")) return Dialect::haproxy;
  return from_content(content);
}

}  // namespace pg
