#include "http/field_list.h"

#include <algorithm>

namespace pg::runtime {

namespace http = boost::beast::http;

bool iequal_names(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x == y) continue;
    if ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z') return false;
  }
  return true;
}

void FieldList::add(std::string_view name, std::string_view value) {
  fields_.push_back({http::string_to_field(name), name, value});
}

void FieldList::add_owned(std::string_view name, std::string value) {
  fields_.push_back({http::string_to_field(name), name, keep(std::move(value))});
}

void FieldList::add_owned(http::field id, std::string_view name, std::string value) {
  fields_.push_back({id, name, keep(std::move(value))});
}

bool FieldList::has(std::string_view name) const {
  return std::any_of(fields_.begin(), fields_.end(), [&](const Field& f) { return iequal_names(f.name, name); });
}

bool FieldList::has(http::field id) const {
  return std::any_of(fields_.begin(), fields_.end(), [&](const Field& f) { return f.id == id; });
}

std::string_view FieldList::value(http::field id) const {
  for (const auto& f : fields_)
    if (f.id == id) return f.value;
  return {};
}

bool FieldList::has_token(http::field id, std::string_view token) const {
  for (const auto& f : fields_) {
    if (f.id != id) continue;
    std::string_view v = f.value;
    while (!v.empty()) {
      size_t comma = std::min(v.find(','), v.size());
      std::string_view t = v.substr(0, comma);
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
      if (iequal_names(t, token)) return true;
      v.remove_prefix(std::min(comma + 1, v.size()));
    }
  }
  return false;
}

void FieldList::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return iequal_names(f.name, name); });
}

void FieldList::remove(http::field id) {
  std::erase_if(fields_, [&](const Field& f) { return f.id == id; });
}

}  // namespace pg::runtime
