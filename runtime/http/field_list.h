// The fields of a head the proxy sends on (the request to the upstream, the upstream's
// response to the client), in order, as a flat list of views: into the received head
// where a field passes unchanged, into the config for names, into the list's own
// storage for values the proxy computed. Beast's fields allocate each field and keep
// a case-insensitive tree beside the list: building, erasing and looking up there
// cost more than the rest of a proxied request's head handling together.
#pragma once

#include <algorithm>
#include <forward_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>

#include "ir/text.h"

namespace pg::runtime {

class FieldList {
 public:
  FieldList() { fields_.reserve(16); }  // one allocation for most heads

  struct Field {
    boost::beast::http::field id;  // unknown for names Beast does not know
    std::string_view name;
    std::string_view value;
  };

  // The viewed strings must outlive the list (the received head, the config).
  void add(boost::beast::http::field id, std::string_view name, std::string_view value) {
    fields_.push_back({id, name, value});
  }
  // The value is kept by the list.
  void add_owned(std::string_view name, std::string value);

  bool has(std::string_view name) const;
  // Whether a comma-separated token list field (Connection) holds `token`, ignoring case.
  bool has_token(boost::beast::http::field id, std::string_view token) const;
  void remove(std::string_view name);
  void remove(boost::beast::http::field id);
  // Replaces a field's values, in place.
  template <class F>
  void rewrite_values(std::string_view name, F&& rewrite);

  // Moves the fields `first` accepts before the others, keeping the order within each.
  template <class Pred>
  void move_to_front(Pred&& first);

  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::string_view keep(std::string value) { return owned_.emplace_front(std::move(value)); }
  std::vector<Field> fields_;
  // Stable addresses, and nothing allocated until a value is kept (a deque allocates
  // when it is made).
  std::forward_list<std::string> owned_;
};

// Calls f with each comma-separated token of a list value (Connection), trimmed.
template <class F>
void for_each_token(std::string_view list, F&& f) {
  size_t i = 0;
  while (i < list.size()) {
    size_t comma = std::min(list.find(',', i), list.size());
    std::string_view token = list.substr(i, comma - i);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (!token.empty()) f(token);
    i = comma + 1;
  }
}

template <class F>
void FieldList::rewrite_values(std::string_view name, F&& rewrite) {
  for (auto& f : fields_)
    if (ir::iequals(f.name, name)) f.value = keep(rewrite(f.value));
}

template <class Pred>
void FieldList::move_to_front(Pred&& first) {
  std::vector<Field> front, back;
  for (const auto& f : fields_) (first(f) ? front : back).push_back(f);
  fields_ = std::move(front);
  fields_.insert(fields_.end(), back.begin(), back.end());
}

}  // namespace pg::runtime
