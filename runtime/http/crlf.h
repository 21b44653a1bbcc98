// Finding line ends in a request head: memchr for the CR, where string_view::find
// compares the whole pattern at every candidate position (these run over every
// request's head several times).
#pragma once

#include <cstring>
#include <string_view>

namespace pg::runtime {

// The first "\r\n" at or after `from`, as std::string_view::find("\r\n", from).
inline size_t find_crlf(std::string_view s, size_t from) {
  while (from < s.size()) {
    const void* cr = std::memchr(s.data() + from, '\r', s.size() - from);
    if (!cr) break;
    const size_t at = static_cast<size_t>(static_cast<const char*>(cr) - s.data());
    if (at + 1 < s.size() && s[at + 1] == '\n') return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

// The first "\r\n\r\n" at or after `from`, as std::string_view::find("\r\n\r\n", from):
// it starts with a CRLF, and walking from one CRLF to the next passes every one.
inline size_t find_blank_line(std::string_view s, size_t from) {
  for (size_t at = find_crlf(s, from); at != std::string_view::npos; at = find_crlf(s, at + 2))
    if (at + 3 < s.size() && s[at + 2] == '\r' && s[at + 3] == '\n') return at;
  return std::string_view::npos;
}

}  // namespace pg::runtime
