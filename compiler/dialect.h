// Which dialect a configuration is written in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pg {

enum class Dialect { nginx, caddy, haproxy };

std::string_view dialect_name(Dialect d);
std::optional<Dialect> parse_dialect(std::string_view name);

// From the file name (*.conf, nginx.conf -> nginx; Caddyfile, *.Caddyfile,
// *.caddyfile -> caddy; *.cfg, haproxy.cfg -> haproxy), else from the content.
std::optional<Dialect> detect_dialect(const std::string& path, std::string_view content);

}  // namespace pg
