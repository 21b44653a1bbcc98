// Whether anything in an IR value satisfies a visitor: walks the described IR structs
// member by member (Boost.Describe), with their vectors, optionals and pairs, and asks
// the visitor about each string (`text`) and each template part (`part`, before its
// members); numbers, flags, enums and source locations are passed over. The comparer
// asks whether a route may mention a map (may_mention_map), the runtime whether a
// template outside the access logs reads a request's timings.
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

namespace walk_detail {

// Every overload is declared before any is defined: each finds the others.
template <typename V, typename T>
bool walk(const V& visit, const T& v);
template <typename V, typename T>
bool walk(const V& visit, const std::vector<T>& xs);
template <typename V, typename T>
bool walk(const V& visit, const std::optional<T>& x);
template <typename V, typename A, typename B>
bool walk(const V& visit, const std::pair<A, B>& p);

template <typename V>
bool walk(const V& visit, const std::string& s) {
  return visit.text(s);
}
template <typename V>
bool walk(const V&, const SourceLoc&) {
  return false;
}
template <typename V, typename T>
bool walk(const V& visit, const std::vector<T>& xs) {
  for (const auto& x : xs)
    if (walk(visit, x)) return true;
  return false;
}
template <typename V, typename T>
bool walk(const V& visit, const std::optional<T>& x) {
  return x && walk(visit, *x);
}
template <typename V, typename A, typename B>
bool walk(const V& visit, const std::pair<A, B>& p) {
  return walk(visit, p.first) || walk(visit, p.second);
}

template <typename V, typename T>
bool walk(const V& visit, const T& v) {
  if constexpr (std::is_same_v<T, TemplatePart>) {
    if (visit.part(v)) return true;
  }
  if constexpr (boost::describe::has_describe_members<T>::value) {
    bool found = false;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_any_access>>(
        [&](auto member) { found = found || walk(visit, v.*member.pointer); });
    return found;
  } else {
    static_assert(std::is_arithmetic_v<T> || std::is_enum_v<T>, "an IR member type this walk does not know");
    return false;
  }
}

}  // namespace walk_detail

// `visit` has bool text(const std::string&) and bool part(const TemplatePart&).
template <typename T, typename Visitor>
bool any_in(const T& v, const Visitor& visit) {
  return walk_detail::walk(visit, v);
}

// Whether a value may mention a map in the comparer's rendering of it: a template part
// that reads a map (rendered "${map:NAME}"), or any text containing "${map:" (a literal
// renders as itself). The comparer passes over the many routes that cannot use a map
// without rendering each (ir/equivalence.cpp).
template <typename T>
bool may_mention_map(const T& v) {
  struct {
    bool text(const std::string& s) const { return s.find("${map:") != std::string::npos; }
    bool part(const TemplatePart& p) const { return p.var == Var::map; }
  } visit;
  return any_in(v, visit);
}

}  // namespace pg::ir
