// The readable name of where a comparison is ("virtual host H on L: route M:
// action.proxy.retry"), kept as its parent's name and the few pieces that follow it,
// and made into text only when a difference is found there: a large comparison walks
// millions of keys below which nothing differs, and naming each was a good part of it.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace pg::ir {

// Lives on the walk's stack below its parent; the parent and the pieces' text must
// outlive it. Neither copied nor moved, so that no view outlives what it shows.
class DifferenceSubject {
 public:
  explicit DifferenceSubject(std::string_view text) : pieces_{text, {}, {}} {}
  DifferenceSubject(const DifferenceSubject* parent, std::string_view a, std::string_view b = {},
                    std::string_view c = {})
      : parent_(parent), pieces_{a, b, c} {}
  DifferenceSubject(const DifferenceSubject&) = delete;
  DifferenceSubject& operator=(const DifferenceSubject&) = delete;

  bool empty() const {
    for (auto p : pieces_)
      if (!p.empty()) return false;
    return !parent_ || parent_->empty();
  }
  // The last character, '\0' when empty.
  char back() const {
    for (size_t i = pieces_.size(); i-- > 0;)
      if (!pieces_[i].empty()) return pieces_[i].back();
    return parent_ ? parent_->back() : '\0';
  }
  // What joins a field's key to this name: nothing at the top, " " after a name ending
  // with ':' ("virtual host H: limits"), else "." ("limits.read_timeout_ms").
  std::string_view field_separator() const {
    if (empty()) return {};
    return back() == ':' ? std::string_view(" ") : std::string_view(".");
  }

  size_t size() const {
    size_t n = parent_ ? parent_->size() : 0;
    for (auto p : pieces_) n += p.size();
    return n;
  }
  void append_to(std::string& out) const {
    if (parent_) parent_->append_to(out);
    for (auto p : pieces_) out.append(p);
  }
  std::string str() const {
    std::string out;
    out.reserve(size());
    append_to(out);
    return out;
  }

 private:
  const DifferenceSubject* parent_ = nullptr;
  std::array<std::string_view, 3> pieces_;
};

}  // namespace pg::ir
