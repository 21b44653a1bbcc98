// Case-insensitive text helpers for names HTTP compares ignoring ASCII case (header
// names, host names, methods in some dialects). One definition for the compiler and
// the runtime.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace pg::ir {

// ASCII only, as HTTP compares these (and as std::tolower does in the C locale the
// program runs in), without a library call per character: it runs per header field.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
           return lower(x) == lower(y);
         });
}

inline std::string to_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace pg::ir
