#include "http/field_list.h"

#include <algorithm>

namespace pg::runtime {

namespace http = boost::beast::http;

void FieldList::add_owned(std::string_view name, std::string value) {
  fields_.push_back({field_id(name), name, keep(std::move(value))});
}

bool FieldList::has(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(), [&](const Field& f) { return ir::iequals(f.name, name); });
}

bool FieldList::has_token(http::field id, std::string_view token) const {
  bool found = false;
  for (const auto& f : fields_)
    if (f.id == id) for_each_token(f.value, [&](std::string_view t) { found = found || ir::iequals(t, token); });
  return found;
}

void FieldList::remove(std::string_view name) {
  remove_if([&](const Field& f) { return ir::iequals(f.name, name); });
}

void FieldList::remove(http::field id) {
  remove_if([&](const Field& f) { return f.id == id; });
}

}  // namespace pg::runtime
