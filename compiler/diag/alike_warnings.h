// Warnings alike, reported once. A large translation loses the same thing in the same
// way on thousands of routes (a header limit the target cannot state per route, a
// default it lacks): one line per place buried every other loss under 100,000s of
// identical ones. Here each distinct loss is one warning, at its first source line,
// saying in how many more places it happens and where the next few are.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "diag/diagnostics.h"

namespace pg {

class AlikeWarnings {
 public:
  // One warning at `loc`; `key` says which warnings are alike (the same loss with the
  // same values). The message is asked for only when this place is the group's first
  // one so far: building 100,000s of texts nobody reads cost as much as the rest.
  void add(const SourceLoc& loc, const std::string& key, const std::function<std::string()>& message);

  // How many places all the warnings stand for.
  int places() const { return places_; }

  // Each group as one diagnostic (an error under `as_error`), in the order the groups
  // were first seen: "MESSAGE (the same in N more places: lines 12, 40, ...)".
  void report(Diagnostics& out, bool as_error) const;

 private:
  struct Group {
    SourceLoc first;
    std::string message;  // the first place's
    std::vector<SourceLoc> more;
  };
  std::vector<Group> groups_;
  std::unordered_map<std::string, size_t> index_;
  int places_ = 0;
};

}  // namespace pg
