// Snippets for what many handles repeat. A large configuration proxies from thousands
// of handles with the same few sets of settings (the fields Caddy's defaults add or
// drop, the transport's timeouts, a pool's balancing): written out in each, they made
// the Caddyfile twenty times its source. A group of lines used in enough places is
// written once as `(name) { ... }` before the sites and imported where it was; a group
// used in a few places stays where it is, as an expert would leave it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pg::caddy {

class Snippets {
 public:
  // A single line this long is worth a snippet too (shorter ones only with others).
  static constexpr size_t kLongLine = 120;

  // One line standing for `lines` (relative to the current depth, nested blocks
  // indented with tabs) until resolve(): a snippet named after `base` when the same
  // lines are used in enough places, else the lines themselves. `comment` goes before
  // the snippet's definition ("from nginx.conf:5"). `lines` may hold lines use() gave
  // (a group of groups): each is resolved the same way, inside the snippet or in place.
  std::string use(std::string_view base, std::vector<std::string> lines, std::string_view comment = "");

  // Whether some group became a snippet.
  bool any() const;
  // The definitions, each followed by a blank line: for the top of the Caddyfile,
  // after the global options (Caddy reads a snippet only after its definition).
  std::string definitions() const;
  // `text` with each line use() gave replaced by an import or by the lines.
  std::string resolve(const std::string& text) const;

 private:
  struct Group {
    std::string base;
    std::string comment;
    std::vector<std::string> lines;
    int uses = 0;                // use() calls, those made for an outer group's lines too
    std::vector<size_t> inner;   // the groups its lines use
    int places = 0;              // where it is written: an inner group of a snippet once
    std::string name;  // set when it is a snippet
  };
  bool snippet(const Group& g) const;
  void name_snippets() const;
  // `line` with `indent` before it, a line use() gave resolved.
  void write_line(std::string_view indent, std::string_view line, std::string& out) const;

  mutable std::vector<Group> groups_;
  std::unordered_map<std::string, size_t> index_;  // lines joined -> group
  mutable bool named_ = false;
};

}  // namespace pg::caddy
