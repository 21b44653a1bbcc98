#include "caddy/imports.h"

#include <algorithm>

#include <glob.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "caddy/parse.h"
#include "read_file.h"

namespace pg::caddy {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxImportDepth = 16;
constexpr int kTopLevel = 0;
constexpr int kSiteBody = 1;
// Snippets importing snippets can grow a file exponentially; no real Caddyfile
// expands to this many lines, or to more than kMaxExpansion times its own (a large
// file whose handles import shared settings, as proxyglot's translations write them,
// expands to a few times its size).
constexpr size_t kMaxExpandedLines = 200000;
constexpr size_t kMaxExpansion = 8;

size_t count_lines(const std::vector<Node>& nodes) {
  size_t n = nodes.size();
  for (const auto& x : nodes) n += count_lines(x.block);
  return n;
}

const char* env_lookup(const char* name) { return std::getenv(name); }

std::string substitute_args(const std::string& s, const std::vector<Word>& args) {
  if (s.find("{args") == std::string::npos) return s;
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s.compare(i, 5, "{args") == 0 && i + 6 < s.size() && (s[i + 5] == '[' || s[i + 5] == '.')) {
      size_t j = i + 6;
      size_t digits = j;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      bool bracket = s[i + 5] == '[';
      size_t close = bracket ? j + 1 : j;
      if (j > digits && j - digits < 4 && close < s.size() && (!bracket || s[j] == ']') && s[close] == '}') {
        size_t n = std::stoul(s.substr(digits, j - digits));
        if (n < args.size()) out += args[n].value;
        i = close + 1;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

void substitute_args(std::vector<Node>& nodes, const std::vector<Word>& args) {
  for (auto& n : nodes) {
    for (auto& w : n.words)
      if (w.value.find("{args") != std::string::npos) w.value = substitute_args(w.value, args);
    substitute_args(n.block, args);
  }
}

struct Loader {
  explicit Loader(Diagnostics& d) : diags(d) {}

  // Where the token read last ends, as Caddy's parser sees its token list after every
  // splice: inside a directive's block Caddy expands an `import` only when it starts a
  // line after that token's (or comes from another file). Snippet tokens keep their own
  // lines, so an import that is the first line of a snippet imported inside a block is
  // normally *not* on a later line than the '{' before it and stays a literal line.
  struct LastToken {
    FileName file;
    int end_line = 0;
    bool any = false;
  };

  Diagnostics& diags;
  LastToken last;
  std::vector<SourceLoc> importers;  // the imports being expanded, innermost last
  size_t max_lines = kMaxExpandedLines;
  std::map<std::string, std::vector<Node>> snippets;
  std::map<std::string, SourceLoc> snippet_at;  // where each was declared
  int depth = 0;
  size_t expanded_lines = 0;
  bool too_large = false;

  std::vector<Node> load(std::string_view text, const std::string& name) {
    std::string substituted = substitute_env(text, env_lookup);
    std::vector<Node> nodes = parse_nodes(substituted, name, diags);
    std::string dir = fs::path(name).parent_path().string();
    return expand(std::move(nodes), dir.empty() ? "." : dir, kTopLevel);
  }

  // A quoted token may span lines; Caddy counts its line breaks when it asks whether
  // the next token starts a new line.
  void saw(const SourceLoc& at, const std::string& text) {
    last = {at.file, at.line + static_cast<int>(std::count(text.begin(), text.end(), '\n')), true};
  }

  void saw_words(const Node& n) {
    if (!n.words.empty()) saw(n.words.back().loc, n.words.back().value);
    // The '{' ends the line its last word ends on (a lone '{' is the node's position).
    if (n.has_block && n.words.empty()) saw(n.loc, "{");
  }

  bool starts_new_line(const SourceLoc& at) const {
    return !last.any || !(last.file == at.file) || last.end_line < at.line;
  }

  // `level` is Caddy's parsing context: kTopLevel (addresses and snippets: an import
  // must start a new line), kSiteBody (a server block's directives: every import is
  // expanded), or deeper (a directive's block: an import must start a new line).
  std::vector<Node> expand(std::vector<Node> in, const std::string& dir, int level) {
    std::vector<Node> out;
    for (auto& n : in) {
      const std::string& first = n.name();
      bool is_snippet = level == kTopLevel && n.words.size() == 1 && !n.words[0].quoted && first.size() > 2 &&
                        first.front() == '(' && first.back() == ')';
      if (is_snippet) {
        if (!n.has_block) {
          diags.error(n.loc, fmt::format("snippet {} has no block", first));
          continue;
        }
        saw(n.close_loc, "}");
        std::string name = first.substr(1, first.size() - 2);
        // Caddy 2.6 refuses the file ("redeclaration of previously declared snippet"),
        // imported files included: their snippets join the same list.
        if (auto earlier = snippet_at.find(name); earlier != snippet_at.end()) {
          diags.error(n.loc, fmt::format("snippet {} is declared again (first at {}:{}): Caddy refuses a "
                                         "redeclared snippet",
                                         first, earlier->second.file.view(), earlier->second.line));
          continue;
        }
        snippet_at.emplace(name, n.loc);
        snippets[name] = std::move(n.block);
        continue;
      }
      if (first == "import" && !n.words[0].quoted && !n.has_block) {
        if (level == kSiteBody || starts_new_line(n.loc)) {
          import(n, dir, level, out);
          continue;
        }
        not_expanded(n, level);
      }
      saw_words(n);
      if (n.has_block) {
        n.block = expand(std::move(n.block), dir, level + 1);
        saw(n.close_loc, "}");
      }
      out.push_back(std::move(n));
    }
    return out;
  }

  // Caddy 2.6 keeps such an import as an ordinary line: `import` is then an unknown
  // directive (an error the lowerer reports), or, where a block takes arbitrary names
  // (header fields), silently a field named "import". Say why it was not expanded.
  void not_expanded(const Node& n, int level) {
    std::string before = last.file == n.loc.file ? fmt::format("line {}", last.end_line)
                                                 : fmt::format("{}:{}", last.file.view(), last.end_line);
    std::string from = importers.empty() ? std::string()
                                         : fmt::format(" (through the import at {}:{})", importers.back().file.view(),
                                                       importers.back().line);
    diags.warning(n.loc, fmt::format("import not expanded: Caddy 2.6 expands an import {} only when it starts a "
                                     "line after the previous token's, counting a snippet's tokens at the lines "
                                     "they were written on; the token before this one{} ends on {}, so this line "
                                     "is read as {} named 'import' (as happens to an import that starts a "
                                     "snippet imported inside a block)",
                                     level == kTopLevel ? "outside a site block" : "inside a directive's block",
                                     from, before, level == kTopLevel ? "a site address" : "a directive"));
  }

  void import(const Node& n, const std::string& dir, int level, std::vector<Node>& out) {
    if (n.words.size() < 2) {
      diags.error(n.loc, "Wrong argument count or unexpected line ending after 'import'");
      return;
    }
    if (depth >= kMaxImportDepth) {
      diags.error(n.loc, fmt::format("import of \"{}\" nested more than {} deep (an import cycle?)",
                                     n.words[1].value, kMaxImportDepth));
      return;
    }
    std::vector<Word> args(n.words.begin() + 2, n.words.end());
    const std::string& target = n.words[1].value;
    if (auto it = snippets.find(target); it != snippets.end()) {
      expanded_lines += count_lines(it->second);
      if (expanded_lines > max_lines) {
        if (!too_large)
          diags.error(n.loc, fmt::format("imports expand to more than {} lines (snippets importing each other?)",
                                         max_lines));
        too_large = true;
        return;
      }
      std::vector<Node> copy = it->second;
      substitute_args(copy, args);
      ++depth;
      importers.push_back(n.loc);
      for (auto& x : expand(std::move(copy), dir, level)) out.push_back(std::move(x));
      importers.pop_back();
      --depth;
      return;
    }
    fs::path p = target;
    if (p.is_relative()) p = fs::path(dir) / p;
    std::string pattern = p.lexically_normal().string();
    std::vector<std::string> files;
    bool is_glob = pattern.find_first_of("*?[") != std::string::npos;
    if (is_glob) {
      glob_t g{};
      if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
      ::globfree(&g);
      if (files.empty()) diags.warning(n.words[1].loc, fmt::format("No files matching import glob pattern: {}", target));
    } else {
      files.push_back(pattern);
    }
    for (const auto& f : files) {
      std::string content;
      if (read_file(f, content) != 0) {
        diags.error(n.words[1].loc, fmt::format("File to import not found: {}", target));
        continue;
      }
      ++depth;
      std::string substituted = substitute_env(content, env_lookup);
      std::vector<Node> nodes = parse_nodes(substituted, f, diags);
      std::string fdir = fs::path(f).parent_path().string();
      std::vector<Node> expanded = expand(std::move(nodes), fdir.empty() ? "." : fdir, level);
      if (!args.empty()) substitute_args(expanded, args);
      for (auto& x : expanded) out.push_back(std::move(x));
      --depth;
    }
  }
};

}  // namespace

std::vector<Node> read_caddyfile(std::string_view text, const std::string& name, Diagnostics& diags) {
  Loader loader(diags);
  size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  loader.max_lines = std::max(kMaxExpandedLines, kMaxExpansion * lines);
  return loader.load(text, name);
}

}  // namespace pg::caddy
