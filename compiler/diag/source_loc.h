// Where an element of a configuration came from: every IR element and every
// diagnostic carries one.
#pragma once

#include <string>
#include <string_view>

namespace pg {

// A file name, interned for the life of the process: a configuration has a location
// on every word, and copying the name into each would dominate memory and time.
class FileName {
 public:
  FileName() = default;
  FileName(std::string_view name);  // NOLINT(google-explicit-constructor): names convert freely
  FileName(const std::string& name) : FileName(std::string_view(name)) {}  // NOLINT
  FileName(const char* name) : FileName(std::string_view(name)) {}         // NOLINT

  std::string_view view() const { return name_; }
  std::string str() const { return std::string(name_); }
  bool empty() const { return name_.empty(); }
  friend bool operator==(const FileName& a, const FileName& b) { return a.name_ == b.name_; }

 private:
  std::string_view name_;
};

struct SourceLoc {
  FileName file;
  int line = 0;    // 1-based; 0 when unknown (built-in defaults)
  int column = 0;  // 1-based byte column; 0 when unknown
  friend bool operator==(const SourceLoc&, const SourceLoc&) = default;
};

}  // namespace pg
