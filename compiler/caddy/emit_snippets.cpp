#include "caddy/emit_snippets.h"

#include <cctype>
#include <set>

#include <fmt/format.h>

namespace pg::caddy {

namespace {

// A group becomes a snippet from this many uses, and when it is more than one line or
// one long line: an import for a short line or a pair of handles only makes the reader
// look elsewhere.
constexpr int kMinUses = 3;

// The marker use() writes: a control character no Caddyfile word holds, then the group.
constexpr char kMarker = '\x01';

// Snippet names are Caddyfile words: letters, digits, '_' and '-'.
std::string word(std::string_view base) {
  std::string out;
  for (char c : base) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return out.empty() ? "snippet" : out;
}

}  // namespace

std::string Snippets::use(std::string_view base, std::vector<std::string> lines, std::string_view comment) {
  std::string key(base);
  for (const auto& l : lines) key.append("\n").append(l);
  auto [it, added] = index_.try_emplace(std::move(key), groups_.size());
  if (added) groups_.push_back({std::string(base), std::string(comment), std::move(lines), 0, ""});
  ++groups_[it->second].uses;
  named_ = false;
  return fmt::format("{}{}", kMarker, it->second);
}

bool Snippets::snippet(const Group& g) const {
  return g.uses >= kMinUses && (g.lines.size() > 1 || (g.lines.size() == 1 && g.lines[0].size() > kLongLine));
}

bool Snippets::any() const {
  for (const auto& g : groups_)
    if (snippet(g)) return true;
  return false;
}

// Names in the order the groups were first used: "base", then "base_2", ...
void Snippets::name_snippets() const {
  if (named_) return;
  std::set<std::string> taken;
  for (auto& g : groups_) {
    g.name.clear();
    if (!snippet(g)) continue;
    std::string base = word(g.base);
    std::string name = base;
    for (int i = 2; !taken.insert(name).second; ++i) name = fmt::format("{}_{}", base, i);
    g.name = name;
  }
  named_ = true;
}

std::string Snippets::definitions() const {
  name_snippets();
  std::string out;
  for (const auto& g : groups_) {
    if (g.name.empty()) continue;
    if (!g.comment.empty()) out += "# " + g.comment + "\n";
    out += "(" + g.name + ") {\n";
    for (const auto& l : g.lines) out += "\t" + l + "\n";
    out += "}\n\n";
  }
  return out;
}

std::string Snippets::resolve(const std::string& text) const {
  if (groups_.empty()) return text;
  name_snippets();
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    size_t tabs = start;
    while (tabs < nl && text[tabs] == '\t') ++tabs;
    if (tabs < nl && text[tabs] == kMarker) {
      const Group& g = groups_[std::stoul(text.substr(tabs + 1, nl - tabs - 1))];
      std::string_view indent(text.data() + start, tabs - start);
      if (!g.name.empty()) {
        out.append(indent).append("import ").append(g.name).append("\n");
      } else {
        for (const auto& l : g.lines) out.append(indent).append(l).append("\n");
      }
    } else {
      out.append(text, start, nl - start);
      if (nl < text.size()) out += '\n';
    }
    start = nl + 1;
  }
  return out;
}

}  // namespace pg::caddy
