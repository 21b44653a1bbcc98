#include "http/uri.h"

#include <cctype>
#include <vector>

namespace pg::runtime {

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether a path reads as itself: nothing escaped, no NUL, no empty, "." or ".."
// segment (a trailing slash ends the last segment, it is no empty one).
bool plain_path(std::string_view path) {
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%' || c == '\0') return false;
    if (c != '/' || i + 1 == path.size()) continue;
    std::string_view rest = path.substr(i + 1);
    if (rest.front() == '/') return false;
    if (rest.front() == '.') {
      std::string_view seg = rest.substr(0, rest.find('/'));
      if (seg == "." || seg == "..") return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Target> parse_target(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') return std::nullopt;
  // Most targets are plain: taken as they are, without decoding into segments.
  const size_t q = raw.find('?');
  const std::string_view path = raw.substr(0, q);
  if (!plain_path(path)) return parse_target_general(raw);
  Target t;
  t.path = std::string(path);
  if (q != std::string_view::npos) t.query = std::string(raw.substr(q + 1));
  return t;
}

std::optional<Target> parse_target_general(std::string_view raw) {
  if (raw.empty() || raw.front() != '/') return std::nullopt;
  Target t;
  std::string_view path = raw;
  if (auto q = raw.find('?'); q != std::string_view::npos) {
    path = raw.substr(0, q);
    t.query = std::string(raw.substr(q + 1));
  }
  std::string decoded;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '%') {
      if (i + 2 >= path.size()) return std::nullopt;
      int h = hex(path[i + 1]), l = hex(path[i + 2]);
      if (h < 0 || l < 0) return std::nullopt;
      c = static_cast<char>(h * 16 + l);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    decoded += c;
  }
  // Segments: merge slashes, drop ".", pop on "..".
  std::vector<std::string> segments;
  size_t i = 1;
  bool trailing = decoded.size() > 1 && decoded.back() == '/';
  while (i <= decoded.size()) {
    size_t end = decoded.find('/', i);
    if (end == std::string::npos) end = decoded.size();
    std::string seg = decoded.substr(i, end - i);
    if (seg == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
      trailing = true;
    } else if (seg == ".") {
      trailing = true;
    } else if (!seg.empty()) {
      segments.push_back(std::move(seg));
      trailing = end < decoded.size();
    }
    i = end + 1;
  }
  t.path = "/";
  for (size_t s = 0; s < segments.size(); ++s) {
    t.path += segments[s];
    if (s + 1 < segments.size()) t.path += '/';
  }
  if (trailing && !segments.empty()) t.path += '/';
  return t;
}

std::string escape_path(std::string_view path) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (c <= 0x20 || c >= 0x7f || c == '%' || c == '?' || c == '#' || c == '"') {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace pg::runtime
