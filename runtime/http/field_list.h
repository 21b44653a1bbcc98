// The fields of a head the proxy sends on (the request to the upstream, the upstream's
// response to the client), in order, as a flat list of views: into the received head
// where a field passes unchanged, into the config for names, into the list's own
// storage for values the proxy computed. Beast's fields allocate each field and keep
// a case-insensitive tree beside the list: building, erasing and looking up there
// cost more than the rest of a proxied request's head handling together.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/container/small_vector.hpp>

#include "ir/text.h"

namespace pg::runtime {

class FieldList {
 public:
  FieldList() = default;
  FieldList(const FieldList&) = delete;  // the fields view the list's own storage
  FieldList& operator=(const FieldList&) = delete;
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
  // Removes the fields `pred` accepts.
  template <class Pred>
  void remove_if(Pred&& pred) {
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(), pred), fields_.end());
  }

  // Moves the fields `first` accepts before the others, keeping the order within each.
  template <class Pred>
  void move_to_front(Pred&& first);

  std::span<const Field> fields() const { return {fields_.data(), fields_.size()}; }

 private:
  std::string_view keep(std::string_view value) {
    char* at;
    if (value.size() <= sizeof first_values_ - used_) {
      at = first_values_ + used_;
      used_ += value.size();
    } else {
      at = more_values_.emplace_back(std::make_unique_for_overwrite<char[]>(value.size())).get();
    }
    std::memcpy(at, value.data(), value.size());
    return {at, value.size()};
  }
  boost::container::small_vector<Field, 16> fields_;  // no allocation for most heads
  // The values the list keeps, at stable addresses: in the list itself while they fit
  // (a computed Host or X-Forwarded-For), allocated one by one beyond. (A bump
  // pointer: std::pmr::monotonic_buffer_resource cost an out-of-line release per list.)
  char first_values_[256];
  size_t used_ = 0;
  std::vector<std::unique_ptr<char[]>> more_values_;
};

// Beast's id of a field name (http::string_to_field), remembered per thread: the same
// few names come in every response and from every header operation, and Beast's
// lookup hashes and compares the whole name each time. A small direct-mapped table: a
// slot holds the last name that hashed to it, exactly as written (string_to_field
// ignores case; two spellings take two slots). Inline: it runs for every field of a
// response head.
inline boost::beast::http::field field_id(std::string_view name) {
  namespace http = boost::beast::http;
  struct Slot {
    char name[24];
    unsigned char size = 0;
    http::field id = http::field::unknown;
  };
  thread_local std::array<Slot, 64> slots;
  if (name.empty() || name.size() > sizeof(Slot::name)) return http::string_to_field(name);
  const size_t slot =
      (name.size() * 7 + static_cast<unsigned char>(name.front()) + static_cast<unsigned char>(name.back())) % 64;
  Slot& s = slots[slot];
  if (s.size == name.size() && std::memcmp(s.name, name.data(), name.size()) == 0) return s.id;
  s.id = http::string_to_field(name);
  std::memcpy(s.name, name.data(), name.size());
  s.size = static_cast<unsigned char>(name.size());
  return s.id;
}

// A received head's first field of `id`, walking the list in order: Beast's find()
// looks the name up in its tree with case-insensitive string compares, several times
// dearer for the few fields a request has.
template <class Fields>
const typename Fields::value_type* find_field(const Fields& fields, boost::beast::http::field id) {
  for (const auto& f : fields)
    if (f.name() == id) return &f;
  return nullptr;
}

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
  boost::container::small_vector<Field, 16> back;
  auto front_end = fields_.begin();
  for (const auto& f : fields_) {
    if (first(f)) *front_end++ = f;
    else back.push_back(f);
  }
  std::copy(back.begin(), back.end(), front_end);
}

}  // namespace pg::runtime
