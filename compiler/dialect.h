// Which dialect a configuration is written in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pg {

enum class Dialect { nginx, caddy, haproxy };

std::string_view dialect_name(Dialect d);
std::optional<Dialect> parse_dialect(std::string_view name);

// The file name a configuration of the dialect usually has: nginx.conf, Caddyfile,
// haproxy.cfg (what detect_dialect recognises).
std::string_view conventional_file_name(Dialect d);

// From the file name (*.conf, nginx.conf -> nginx; Caddyfile, *.Caddyfile,
// *.caddyfile -> caddy; *.cfg, haproxy.cfg -> haproxy), else from the content.
std::optional<Dialect> detect_dialect(const std::string& path, std::string_view content);

}  // namespace pg
