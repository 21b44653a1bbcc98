// Caddyfile text as `caddy fmt` writes it: one directive a line, blocks indented with
// tabs, words quoted only where the Caddyfile lexer needs it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pg::caddy {

// `word` as one Caddyfile token: quoted when it has spaces, quotes or is empty, or
// would be read as a brace.
std::string token(std::string_view word);

class Writer {
 public:
  explicit Writer(int depth = 0) : depth_(depth) {}
  // Text another Writer made (at this depth).
  void raw(const std::string& text) {
    out_ += text;
    after_open_ = false;
  }
  // A line of already formed tokens at the current depth.
  void line(std::string_view text);
  void comment(std::string_view text) { line("# " + std::string(text)); }
  void open(std::string_view head);  // "head {"
  void close();                      // "}"
  void blank();                      // one empty line (never two, never at a block's start)
  const std::string& text() const { return out_; }
  int depth() const { return depth_; }

 private:
  std::string out_;
  int depth_ = 0;
  bool after_open_ = true;
};

}  // namespace pg::caddy
