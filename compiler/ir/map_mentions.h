// Whether an IR value may mention a map in the comparer's rendering of it: a template
// part that reads a map (rendered "${map:NAME}"), or any text it holds containing
// "${map:" (a literal renders as itself). Walks the described IR structs member by
// member (Boost.Describe), with their vectors, optionals and pairs; numbers, flags,
// enums and source locations hold no text. The comparer asks it to pass over the many
// routes that cannot use a map without rendering each (ir/equivalence.cpp).
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/describe.hpp>
#include <boost/mp11/algorithm.hpp>

#include "ir/ir.h"

namespace pg::ir {

namespace map_mentions_detail {

template <typename T>
bool walk(const T& v);

inline bool walk(const std::string& s) { return s.find("${map:") != std::string::npos; }
inline bool walk(const SourceLoc&) { return false; }

template <typename T>
bool walk(const std::vector<T>& xs) {
  for (const auto& x : xs)
    if (walk(x)) return true;
  return false;
}
template <typename T>
bool walk(const std::optional<T>& x) {
  return x && walk(*x);
}
template <typename A, typename B>
bool walk(const std::pair<A, B>& p) {
  return walk(p.first) || walk(p.second);
}

template <typename T>
bool walk(const T& v) {
  if constexpr (std::is_same_v<T, TemplatePart>) {
    if (v.var == Var::map) return true;
  }
  if constexpr (boost::describe::has_describe_members<T>::value) {
    bool found = false;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_any_access>>(
        [&](auto member) { found = found || walk(v.*member.pointer); });
    return found;
  } else {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>, "an IR member type this walk does not know");
    return false;
  }
}

}  // namespace map_mentions_detail

template <typename T>
bool may_mention_map(const T& v) {
  return map_mentions_detail::walk(v);
}

}  // namespace pg::ir
