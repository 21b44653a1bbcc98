// Request targets as nginx reads them: the path is percent-decoded, repeated slashes
// merged and dot segments resolved before any matching; the query stays as sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pg::runtime {

struct Target {
  std::string path;   // normalised
  std::string query;  // without '?'
};

// nullopt for a target nginx answers with 400 (no leading '/', a '..' above the root,
// a bad escape, a NUL byte).
std::optional<Target> parse_target(std::string_view raw);
// The same without parse_target's shortcut for plain paths (which it checks against).
std::optional<Target> parse_target_general(std::string_view raw);

// Escapes what a path may not carry raw when it is sent upstream.
std::string escape_path(std::string_view path);

}  // namespace pg::runtime
