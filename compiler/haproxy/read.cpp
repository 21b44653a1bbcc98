// Reading a configuration as HAProxy does, line by line: the conditional blocks
// (.if/.elif/.else/.endif, evaluated as they are met), the .diag/.notice/.warning/.alert
// directives, and the environment the global section's setenv & co. change for the
// lines after them.
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "haproxy/condition.h"
#include "haproxy/parse.h"

namespace pg::haproxy {

namespace {

// Bounds nesting of .if blocks on hostile input (HAProxy allows 256).
constexpr size_t kMaxNesting = 256;

bool is_section(const std::string& w) {
  return w == "global" || w == "defaults" || w == "frontend" || w == "backend" || w == "listen" ||
         w == "peers" || w == "resolvers" || w == "userlist" || w == "mailers" || w == "cache" ||
         w == "program" || w == "http-errors" || w == "ring";
}

struct Block {
  bool active = false;      // lines of the current branch are used
  bool taken = false;       // a branch of this block was already taken
  bool parent_active = true;
  bool seen_else = false;
  SourceLoc loc;
};

void apply_environment(const Line& l, Environment& env, Diagnostics& diags) {
  const std::string& k = l.words[0].value;
  auto args = l.words.size() - 1;
  if (k == "setenv" || k == "presetenv") {
    if (args != 2) {
      diags.error(l.loc, fmt::format("'{}' expects a name and a value.", k));
      return;
    }
    if (k == "setenv" || !env.has(l.words[1].value)) env.set(l.words[1].value, l.words[2].value);
  } else if (k == "unsetenv") {
    for (size_t i = 1; i < l.words.size(); ++i) env.unset(l.words[i].value);
  } else if (k == "resetenv") {
    std::vector<std::string> keep;
    for (size_t i = 1; i < l.words.size(); ++i) keep.push_back(l.words[i].value);
    env.keep_only(keep);
  }
}

}  // namespace

std::vector<Line> parse_text(std::string_view text, const std::string& name, Diagnostics& diags) {
  FileName file(name);
  std::vector<RawLine> raw = lex_lines(text, file, diags);
  Environment env;
  std::vector<Line> out;
  std::vector<Block> blocks;
  std::string section;
  auto active = [&] { return blocks.empty() || blocks.back().active; };

  for (const RawLine& r : raw) {
    if (r.words.empty()) continue;
    std::string_view first = r.words[0].text;
    bool directive = !first.empty() && first[0] == '.';
    if (!directive && !active()) continue;  // skipped lines are not even resolved
    Line l;
    l.loc = r.words[0].loc;
    for (const auto& w : r.words) l.words.push_back(resolve_word(w, env, diags));
    const std::string& k = l.words[0].value;
    if (directive) {
      if (k == ".if") {
        if (blocks.size() >= kMaxNesting) {
          diags.error(l.loc, fmt::format("too many nested '.if', max is {}.", kMaxNesting));
          continue;
        }
        Block b;
        b.loc = l.loc;
        b.parent_active = active();
        b.active = b.parent_active && evaluate_condition(l, env, diags);
        b.taken = b.active;
        blocks.push_back(b);
      } else if (k == ".elif") {
        if (blocks.empty() || blocks.back().seen_else) {
          diags.error(l.loc, "'.elif' appears without a corresponding '.if'.");
          continue;
        }
        Block& b = blocks.back();
        bool c = b.parent_active && !b.taken && evaluate_condition(l, env, diags);
        b.active = c;
        b.taken = b.taken || c;
      } else if (k == ".else") {
        if (blocks.empty() || blocks.back().seen_else) {
          diags.error(l.loc, "'.else' appears without a corresponding '.if'.");
          continue;
        }
        Block& b = blocks.back();
        b.seen_else = true;
        b.active = b.parent_active && !b.taken;
        b.taken = true;
      } else if (k == ".endif") {
        if (blocks.empty()) {
          diags.error(l.loc, "'.endif' appears without a corresponding '.if'.");
          continue;
        }
        blocks.pop_back();
      } else if (!active()) {
        continue;
      } else if (k == ".alert") {
        diags.error(l.loc, l.words.size() > 1 ? l.words[1].value : ".alert");
      } else if (k == ".warning") {
        diags.warning(l.loc, l.words.size() > 1 ? l.words[1].value : ".warning");
      } else if (k == ".notice" || k == ".diag") {
        // Informational only: nothing to lower.
      } else {
        diags.error(l.loc, fmt::format("unknown directive '{}'", k));
      }
      continue;
    }
    if (is_section(k)) section = k;
    else if (section == "global") apply_environment(l, env, diags);
    out.push_back(std::move(l));
  }
  if (!blocks.empty())
    diags.error(blocks.back().loc, "missing '.endif' at end of file");
  return out;
}

}  // namespace pg::haproxy
