// Caddyfile values: durations, placeholders, site and upstream addresses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "caddy/lowerer.h"
#include "ir/ir.h"

namespace pg::caddy {

// Caddy's durations: Go's time.ParseDuration ("1h30m", "250ms", "1.5s") plus "d" for
// days; a bare "0" is zero. Milliseconds, or nullopt when malformed or negative.
std::optional<int64_t> parse_duration_ms(std::string_view s);

// A size as Caddy reads it (go-humanize): "10MB" = 10^7, "1MiB" = 2^20, "512" bytes.
std::optional<int64_t> parse_size(std::string_view s);

// A whole non-negative number (ports, counts), or nullopt.
std::optional<int> parse_int(std::string_view s);

// A value with {placeholders} as an IR template. `error` gets the first placeholder
// proxyglot cannot express; the template is then incomplete.
ir::Template parse_template(std::string_view s, std::string* error);

// The placeholder (without braces) Caddy writes for `part`, from the table
// parse_template reads with; regex captures name the matcher `regex_name`. nullopt
// when Caddy has none (and for literals).
std::optional<std::string> placeholder_for(const ir::TemplatePart& part, std::string_view regex_name = "");

// `[scheme://]host[:port][/path]` of a site block; nullopt with `error` set when
// malformed.
std::optional<Address> parse_site_address(const Word& w, std::string* error);

struct Upstream {
  std::string scheme = "http";  // http | https | h2c
  std::string host;
  int port = 0;
};
// An upstream of reverse_proxy: [scheme://]host[:port]. A path is an error (the
// Caddy docs forbid it though 2.6 accepts it), placeholders are not supported.
std::optional<Upstream> parse_upstream(std::string_view s, std::string* error);

// `s` escaped for use as literal text inside a PCRE2 pattern.
std::string regex_escape(std::string_view s);

// Caddy's client limits (Go's net/http server under Caddy 2.6): no body limit, a 5 min
// idle timeout, 1 MiB of request head (plus Go's 4 KiB slack) answered by 431.
ir::ClientLimits client_limits();

}  // namespace pg::caddy
