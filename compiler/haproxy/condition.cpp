#include "haproxy/condition.h"

#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

namespace pg::haproxy {

namespace {

// Versions compare field by field as numbers ("2.6.12" >= "2.6.9").
int compare_versions(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string fa, fb;
  while (true) {
    bool ha = static_cast<bool>(std::getline(sa, fa, '.'));
    bool hb = static_cast<bool>(std::getline(sb, fb, '.'));
    if (!ha && !hb) return 0;
    long va = ha ? std::strtol(fa.c_str(), nullptr, 10) : 0;
    long vb = hb ? std::strtol(fb.c_str(), nullptr, 10) : 0;
    if (va != vb) return va < vb ? -1 : 1;
  }
}

class Evaluator {
 public:
  Evaluator(std::string text, const Environment& env) : s_(std::move(text)), env_(env) {}

  bool run(std::string& error) {
    bool v = expr(0);
    skip();
    if (error_.empty() && pos_ != s_.size()) error_ = fmt::format("unparsable condition near '{}'", s_.substr(pos_));
    error = error_;
    return error_.empty() && v;
  }

 private:
  void skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool eat(std::string_view t) {
    skip();
    if (s_.compare(pos_, t.size(), t) != 0) return false;
    pos_ += t.size();
    return true;
  }
  bool expr(int depth) {
    bool v = conj(depth);
    while (error_.empty() && eat("||")) v = conj(depth) || v;
    return v;
  }
  bool conj(int depth) {
    bool v = term(depth);
    while (error_.empty() && eat("&&")) v = term(depth) && v;
    return v;
  }
  // The arguments of name(...) split on commas.
  std::vector<std::string> args() {
    std::vector<std::string> out;
    size_t close = s_.find(')', pos_);
    if (close == std::string::npos) {
      error_ = "missing closing ')'";
      return out;
    }
    std::string inner = s_.substr(pos_, close - pos_);
    pos_ = close + 1;
    std::istringstream in(inner);
    for (std::string a; std::getline(in, a, ',');) out.push_back(a);
    return out;
  }
  bool term(int depth) {
    if (depth > 64) {
      error_ = "condition nested too deeply";
      return false;
    }
    skip();
    if (eat("!")) return !term(depth + 1);
    if (eat("(")) {
      bool v = expr(depth + 1);
      if (!eat(")")) error_ = "missing closing ')'";
      return v;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != '(' && s_[pos_] != ' ' && s_[pos_] != '\t' && s_[pos_] != ')' &&
           s_[pos_] != '&' && s_[pos_] != '|')
      ++pos_;
    std::string name = s_.substr(start, pos_ - start);
    if (name.empty()) {
      error_ = "missing or empty condition";
      return false;
    }
    if (pos_ < s_.size() && s_[pos_] == '(') {
      ++pos_;
      auto a = args();
      auto need = [&](size_t n) {
        if (a.size() == n || !error_.empty()) return true;
        error_ = fmt::format("'{}' expects {} argument(s)", name, n);
        return false;
      };
      if (name == "defined") return need(1) && error_.empty() && env_.has(a[0]);
      if (name == "feature") return need(1) && error_.empty() && known_feature(a[0]);
      if (name == "streq") return need(2) && error_.empty() && a[0] == a[1];
      if (name == "strneq") return need(2) && error_.empty() && a[0] != a[1];
      if (name == "version_atleast") return need(1) && error_.empty() && compare_versions(kHaproxyVersion, a[0]) >= 0;
      if (name == "version_before") return need(1) && error_.empty() && compare_versions(kHaproxyVersion, a[0]) < 0;
      error_ = fmt::format("unknown term '{}'", name);
      return false;
    }
    char* end = nullptr;
    long v = std::strtol(name.c_str(), &end, 10);
    if (end && *end == '\0') return v != 0;
    error_ = fmt::format("unparsable conditional expression '{}'", name);
    return false;
  }
  // The build options Debian's HAProxy 2.6 reports (haproxy -vv).
  static bool known_feature(const std::string& f) {
    return f == "OPENSSL" || f == "PCRE2" || f == "PCRE2_JIT" || f == "ZLIB" || f == "LUA" ||
           f == "PROMEX" || f == "THREAD" || f == "SYSTEMD" || f == "EPOLL" || f == "LINUX_SPLICE";
  }

  std::string s_;
  size_t pos_ = 0;
  std::string error_;
  const Environment& env_;
};

}  // namespace

bool evaluate_condition(const Line& line, const Environment& env, Diagnostics& diags) {
  std::string text;
  for (size_t i = 1; i < line.words.size(); ++i) {
    if (i > 1) text += ' ';
    text += line.words[i].value;
  }
  std::string error;
  bool v = Evaluator(text, env).run(error);
  if (!error.empty()) {
    diags.error(line.loc, fmt::format("failed to parse {} condition: {}", line.words[0].value, error));
    return false;
  }
  return v;
}

}  // namespace pg::haproxy
