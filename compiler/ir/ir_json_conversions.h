// How the IR's types convert to and from Boost.JSON values: described structs by
// Boost's own rules, plus these customisations. Include wherever value_from/value_to
// is used on IR types, so that every user converts the same way.
#pragma once

#include <stdexcept>
#include <string>

#include <boost/describe/enum_from_string.hpp>
#include <boost/describe/enum_to_string.hpp>
#include <boost/json.hpp>

#include "ir/ir.h"

namespace pg {

// A source location is one string, "FILE:LINE:COL" ("" for built-in defaults), the
// same text a diagnostic starts with.
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const SourceLoc& loc) {
  if (loc.file.empty() && loc.line == 0) {
    v = boost::json::string();
    return;
  }
  v = boost::json::string(loc.file.str() + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column));
}

inline SourceLoc tag_invoke(boost::json::value_to_tag<SourceLoc>, const boost::json::value& v) {
  std::string s(v.as_string());
  SourceLoc loc;
  if (s.empty()) return loc;
  size_t c2 = s.rfind(':');
  size_t c1 = c2 == std::string::npos || c2 == 0 ? std::string::npos : s.rfind(':', c2 - 1);
  if (c1 == std::string::npos) throw std::runtime_error("invalid source location \"" + s + "\"");
  loc.file = s.substr(0, c1);
  loc.line = std::stoi(s.substr(c1 + 1, c2 - c1 - 1));
  loc.column = std::stoi(s.substr(c2 + 1));
  return loc;
}

}  // namespace pg

namespace pg::ir {

// Enumerators that collide with C++ keywords carry a trailing '_' in code and none in
// JSON ("not", "continue", "break"). Found by ADL ahead of Boost's own described-enum
// conversion.
template <class E, class = std::enable_if_t<boost::describe::has_describe_enumerators<E>::value>>
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, E e) {
  std::string name = boost::describe::enum_to_string(e, "?");
  if (!name.empty() && name.back() == '_') name.pop_back();
  v = boost::json::string(name);
}

template <class E, class = std::enable_if_t<boost::describe::has_describe_enumerators<E>::value>>
E tag_invoke(boost::json::value_to_tag<E>, const boost::json::value& v) {
  std::string name(v.as_string());
  E e{};
  if (boost::describe::enum_from_string(name.c_str(), e)) return e;
  if (boost::describe::enum_from_string((name + "_").c_str(), e)) return e;
  throw std::runtime_error("unknown enum value \"" + name + "\"");
}

}  // namespace pg::ir
