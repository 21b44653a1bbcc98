// Looking a directive up in a dialect's table (nginx/directive_table, caddy/
// directive_table): every line of a large file is looked up, so each table is indexed
// by name once.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pg {

// The first entry named `name` whose contexts include `ctx`, else the first of the name
// (its contexts give the "not allowed here" message), else null. `table` is the
// dialect's one static table: the index is made from the first table it is given.
template <typename Spec>
const Spec* find_in_table(const std::vector<Spec>& table, std::string_view name, uint32_t ctx) {
  static const auto index = [&] {
    std::unordered_map<std::string_view, std::vector<const Spec*>> m;
    for (const auto& s : table) m[s.name].push_back(&s);
    return m;
  }();
  auto it = index.find(name);
  if (it == index.end()) return nullptr;
  for (const auto* s : it->second)
    if (s->contexts & ctx) return s;
  return it->second.front();
}

}  // namespace pg
