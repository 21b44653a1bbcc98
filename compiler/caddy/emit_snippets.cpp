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
  if (added) {
    std::vector<size_t> inner;
    for (const auto& l : lines) {
      size_t tabs = l.find_first_not_of('\t');
      if (tabs != std::string::npos && l[tabs] == kMarker) inner.push_back(std::stoul(l.substr(tabs + 1)));
    }
    groups_.push_back({std::string(base), std::string(comment), std::move(lines), 0, std::move(inner), 0, ""});
  }
  ++groups_[it->second].uses;
  named_ = false;
  return fmt::format("{}{}", kMarker, it->second);
}

bool Snippets::snippet(const Group& g) const {
  return g.places >= kMinUses && (g.lines.size() > 1 || (g.lines.size() == 1 && g.lines[0].size() > kLongLine));
}

bool Snippets::any() const {
  name_snippets();
  for (const auto& g : groups_)
    if (!g.name.empty()) return true;
  return false;
}

// Names in the order the groups were first used: "base", then "base_2", ...
void Snippets::name_snippets() const {
  if (named_) return;
  // Where each group is written: its own uses, and for each outer group holding it,
  // once when that one is a snippet, else wherever that one is written. An outer group
  // was first used after its inner ones: the last groups are decided first.
  std::vector<int> through(groups_.size(), 0), written(groups_.size(), 0);
  for (const auto& g : groups_)
    for (size_t i : g.inner) through[i] += g.uses;
  for (size_t k = groups_.size(); k-- > 0;) {
    Group& g = groups_[k];
    g.places = g.uses - through[k] + written[k];
    int each = snippet(g) ? 1 : g.places;
    for (size_t i : g.inner) written[i] += each;
  }
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
  // In the order first used: a group's inner groups were used before it, and Caddy
  // reads a snippet only after its definition.
  for (const auto& g : groups_) {
    if (g.name.empty()) continue;
    if (!g.comment.empty()) out += "# " + g.comment + "\n";
    out += "(" + g.name + ") {\n";
    for (const auto& l : g.lines) write_line("\t", l, out);
    out += "}\n\n";
  }
  return out;
}

void Snippets::write_line(std::string_view indent, std::string_view line, std::string& out) const {
  size_t tabs = 0;
  while (tabs < line.size() && line[tabs] == '\t') ++tabs;
  if (tabs == line.size() || line[tabs] != kMarker) {
    out.append(indent).append(line).append("\n");
    return;
  }
  std::string inner(indent);
  inner.append(line.substr(0, tabs));
  const Group& g = groups_[std::stoul(std::string(line.substr(tabs + 1)))];
  if (!g.name.empty()) {
    out.append(inner).append("import ").append(g.name).append("\n");
    return;
  }
  for (const auto& l : g.lines) write_line(inner, l, out);
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
    std::string_view line(text.data() + start, nl - start);
    if (line.find(kMarker) != std::string_view::npos) {
      write_line("", line, out);
    } else {
      out.append(line);
      if (nl < text.size()) out += '\n';
    }
    start = nl + 1;
  }
  return out;
}

}  // namespace pg::caddy
