// The fields of a head the proxy sends on (the request to the upstream, the upstream's
// response to the client), in order, as a flat list of views: into the received head
// where a field passes unchanged, into the config for names, into the list's own
// storage for values the proxy computed. Beast's fields allocate each field and keep
// a case-insensitive tree beside the list: building, erasing and looking up there
// cost more than the rest of a proxied request's head handling together.
#pragma once

#include <forward_list>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>

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
  void add(std::string_view name, std::string_view value);
  // The value is kept by the list.
  void add_owned(std::string_view name, std::string value);
  void add_owned(boost::beast::http::field id, std::string_view name, std::string value);

  bool has(std::string_view name) const;
  bool has(boost::beast::http::field id) const;
  // The first value of the field, or empty.
  std::string_view value(boost::beast::http::field id) const;
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

bool iequal_names(std::string_view a, std::string_view b);

template <class F>
void FieldList::rewrite_values(std::string_view name, F&& rewrite) {
  for (auto& f : fields_)
    if (iequal_names(f.name, name)) f.value = keep(rewrite(f.value));
}

template <class Pred>
void FieldList::move_to_front(Pred&& first) {
  std::vector<Field> front, back;
  for (const auto& f : fields_) (first(f) ? front : back).push_back(f);
  fields_ = std::move(front);
  fields_.insert(fields_.end(), back.begin(), back.end());
}

}  // namespace pg::runtime
