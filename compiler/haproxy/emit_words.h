// Writing HAProxy words and log-format strings: quoting as parse_line() reads it back,
// and IR templates as %[fetch,converter] expressions (the fetch table of log_format.h
// read the other way).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "diag/diagnostics.h"
#include "ir/ir.h"

namespace pg::haproxy::emitter {

// `s` as one configuration word: bare when it can be, else in double quotes.
std::string word(std::string_view s);

// What a template's variables stand for where it is written.
struct FormatEnv {
  std::string server_name;   // the virtual host's first name (Var::server_name)
  std::string authority;     // the proxy target as written (Var::upstream_host)
  std::string scheme;        // "http"/"https" when every listener agrees, else ""
  bool captures_as_backrefs = false;  // replace-path, regsub: regex captures become \N
  std::string regex;                  // ...of this regex (named groups by their number)
};

// The number of capture group `name` (a number or a group name) in `regex`, or -1.
int capture_index(const std::string& regex, const std::string& name);

// The template as a log-format string (unquoted), or nullopt when a part has no HAProxy
// form; `why` then says which.
std::optional<std::string> log_format(const ir::Template& t, const FormatEnv& env, std::string& why);

// The template's text when it is all literal, else nullopt.
std::optional<std::string> literal_text(const ir::Template& t);

// One sample expression "fetch,conv(args)" for a single part, or nullopt.
std::optional<std::string> sample_expr(const ir::TemplatePart& p, std::string& why);

// Lower-case letters, digits and '_' only, for names.
std::string slug(std::string_view s, size_t max = 32);

}  // namespace pg::haproxy::emitter
