// A compiled PCRE2 regex with its captures: the one way to run the IR's
// regexes (nginx and HAProxy regexes are PCRE).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pg::ir {

class Regex {
 public:
  // Throws std::runtime_error when PCRE2 rejects the pattern (front ends validate
  // patterns, so this is a bug, caught while loading a configuration).
  Regex(const std::string& pattern, bool caseless);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // Compiles it to machine code (PCRE2's JIT) for a pattern matched again and again,
  // as the runtime's routes are; costs time a one-off match does not repay.
  void jit();

  bool matches(const std::string& subject) const;
  // On a match, fills $0..$n and the named groups.
  bool match(const std::string& subject, std::vector<std::string>& captures,
             std::map<std::string, std::string>& named) const;
  // Every match replaced by `replacement`, where $1 / ${1} / ${name} refer to groups.
  std::string replace_all(const std::string& subject, const std::string& replacement) const;
  // The first match only.
  std::string replace_first(const std::string& subject, const std::string& replacement) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pg::ir
