#include "diag/alike_warnings.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace pg {

namespace {

// Source order: by file, then line, then column (a line 0, "the file itself", first).
// Asked for every place and while sorting each group's: names are interned, so one
// name is one pointer, and texts are compared only for two different files.
bool before(const SourceLoc& a, const SourceLoc& b) {
  std::string_view fa = a.file.view(), fb = b.file.view();
  if (fa.data() != fb.data() || fa.size() != fb.size())
    if (int order = fa.compare(fb)) return order < 0;
  return std::tie(a.line, a.column) < std::tie(b.line, b.column);
}

constexpr size_t listed = 5;  // places named after the first: enough to find them, not a list of thousands

// The text that stands for the places after the first: "" for none.
std::string more_places(const SourceLoc& first, std::vector<SourceLoc> more);

}  // namespace

void AlikeWarnings::add(const SourceLoc& loc, const std::string& key, const std::function<std::string()>& message) {
  ++places_;
  auto [it, added] = index_.try_emplace(key, groups_.size());
  if (added) {
    groups_.push_back({loc, message(), {}});
    return;
  }
  Group& g = groups_[it->second];
  if (before(loc, g.first)) {  // reported at the first source line
    g.more.push_back(g.first);
    g.first = loc;
    g.message = message();
  } else {
    g.more.push_back(loc);
  }
}

namespace {

std::string more_places(const SourceLoc& first, std::vector<SourceLoc> more) {
  if (more.empty()) return "";
  std::sort(more.begin(), more.end(), before);
  // The other lines, each once: a pool's loss repeats on its own line for every route
  // using it, and "line 5, 5, 5" would say nothing.
  std::vector<std::string> lines;
  bool others = false;  // lines beyond those named
  for (size_t i = 0; i < more.size(); ++i) {
    const SourceLoc& l = more[i];
    if (!l.line || (l.file == first.file && l.line == first.line)) continue;
    if (i > 0 && l.file == more[i - 1].file && l.line == more[i - 1].line) continue;
    if (lines.size() == listed) {
      others = true;
      break;
    }
    lines.push_back(l.file == first.file ? std::to_string(l.line) : fmt::format("{}:{}", l.file.view(), l.line));
  }
  std::string count = fmt::format("the same in {} more place{}", more.size(), more.size() > 1 ? "s" : "");
  if (lines.empty()) return fmt::format(" ({}{})", count, first.line ? ", on this line" : "");
  return fmt::format(" ({}: line{} {}{})", count, lines.size() > 1 ? "s" : "", fmt::join(lines, ", "),
                     others ? " and more" : "");
}

}  // namespace

void AlikeWarnings::report(Diagnostics& out, bool as_error) const {
  for (const auto& g : groups_) {
    std::string message = g.message + more_places(g.first, g.more);
    if (as_error) out.error(g.first, std::move(message));
    else out.warning(g.first, std::move(message));
  }
}

}  // namespace pg
