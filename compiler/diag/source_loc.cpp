#include "diag/source_loc.h"

#include <mutex>
#include <unordered_set>

namespace pg {

FileName::FileName(std::string_view name) {
  if (name.empty()) return;
  // Node-based set: interned strings never move.
  static std::unordered_set<std::string> names;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  name_ = *names.emplace(name).first;
}

}  // namespace pg
