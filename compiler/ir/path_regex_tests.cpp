#include "ir/path_regex_tests.h"

#include <cctype>
#include <string_view>
#include <vector>

#include "ir/matchers.h"

namespace pg::ir {

namespace {
constexpr std::string_view kMeta = ".^$|?*+()[]{}\\";
}

std::optional<AnchoredLiteral> anchored_literal(const std::string& regex) {
  if (regex.empty() || regex[0] != '^') return std::nullopt;
  AnchoredLiteral lit;
  for (size_t i = 1; i < regex.size(); ++i) {
    char ch = regex[i];
    if (ch == '\\' && i + 1 < regex.size() && !std::isalnum(static_cast<unsigned char>(regex[i + 1]))) {
      lit.text += regex[++i];
    } else if (ch == '$' && i + 1 == regex.size()) {
      lit.whole = true;
    } else if (kMeta.find(ch) != std::string_view::npos) {
      return std::nullopt;
    } else {
      lit.text += ch;
    }
  }
  return lit;
}

std::optional<std::string> literal_prefix(const std::string& regex) {
  if (regex.empty() || regex[0] != '^' || regex.find('|') != std::string::npos) return std::nullopt;
  std::string lit;
  for (size_t i = 1; i < regex.size(); ++i) {
    char c = regex[i];
    if (c == '\\' && i + 1 < regex.size() && !std::isalnum(static_cast<unsigned char>(regex[i + 1]))) {
      lit += regex[++i];
      continue;
    }
    if (kMeta.find(c) != std::string_view::npos) {
      // A quantifier applies to the last literal character: it is not certain.
      if ((c == '?' || c == '*' || c == '{') && !lit.empty()) lit.pop_back();
      break;
    }
    lit += c;
  }
  return lit;
}

std::optional<std::string> literal_regex(const std::string& regex, bool& whole) {
  auto lit = anchored_literal(regex);
  if (!lit || lit->text.empty() || lit->text[0] != '/') return std::nullopt;
  whole = lit->whole;
  return std::move(lit->text);
}

Predicate without_inline_ci(Predicate p) {
  // "(?i)" first sets the flag for the whole pattern (RE2 and PCRE alike): the same as
  // the IR's flag, which other emitters write as "~*".
  if (p.kind == PredKind::path_regex && !p.case_insensitive && p.value.rfind("(?i)", 0) == 0) {
    p.value.erase(0, 4);
    p.case_insensitive = true;
  }
  return p;
}

std::optional<Matcher> path_regex_as_tests(const Predicate& source) {
  if (source.kind != PredKind::path_regex) return std::nullopt;
  Predicate p = without_inline_ci(source);
  auto test = [&](const std::string& regex) -> std::optional<Matcher> {
    bool whole = false;
    auto lit = literal_regex(regex, whole);
    if (!lit) return std::nullopt;
    return pred(whole ? PredKind::path_exact : PredKind::path_prefix, *lit, "", p.case_insensitive);
  };
  if (p.value.rfind("(?:", 0) != 0) return test(p.value);
  // Alternatives "(?:...)" joined by "|": a literal has no unescaped parenthesis, so
  // each group ends at the first one.
  std::vector<Matcher> tests;
  const std::string& v = p.value;
  size_t i = 0;
  while (i < v.size()) {
    if (v.compare(i, 3, "(?:") != 0) return std::nullopt;
    size_t j = i + 3;
    while (j < v.size() && v[j] != ')') j += v[j] == '\\' ? 2 : 1;
    if (j >= v.size()) return std::nullopt;
    auto t = test(v.substr(i + 3, j - i - 3));
    if (!t) return std::nullopt;
    tests.push_back(std::move(*t));
    i = j + 1;
    if (i < v.size() && v[i++] != '|') return std::nullopt;
    if (i == v.size() && v.back() == '|') return std::nullopt;
  }
  if (tests.size() == 1) return std::move(tests.front());
  return any_of(std::move(tests));
}

}  // namespace pg::ir
