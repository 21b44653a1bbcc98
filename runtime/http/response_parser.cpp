#include "http/response_parser.h"

#include <algorithm>
#include <cstring>

#include <boost/beast/http/error.hpp>

namespace pg::runtime {

void ResponseParser::on_response_impl(int code, string_view reason, int version, error_code&) {
  status_ = code;
  version_ = static_cast<unsigned>(version);
  head_.assign(reason.data(), reason.size());
  reason_size_ = reason.size();
}

void ResponseParser::on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                                   error_code&) {
  if (is_header_done()) return;  // a trailer: the head went on before it came
  Span s{name, head_.size(), name_string.size(), 0, value.size()};
  head_.append(name_string.data(), name_string.size());
  s.value_at = head_.size();
  head_.append(value.data(), value.size());
  spans_.push_back(s);
}

void ResponseParser::on_header_impl(error_code&) {
  // Views only now: head_ no longer grows.
  fields_.reserve(spans_.size());
  const std::string_view all(head_);
  for (const auto& s : spans_)
    fields_.push_back({s.id, all.substr(s.name_at, s.name_size), all.substr(s.value_at, s.value_size)});
}

std::size_t ResponseParser::on_body_impl(string_view body, error_code& ec) {
  const size_t n = std::min(room_, body.size());
  if (n > 0) std::memcpy(data_, body.data(), n);
  data_ += n;
  room_ -= n;
  if (n < body.size()) ec = boost::beast::http::error::need_buffer;
  return n;
}

std::size_t ResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) {
  return on_body_impl(body, ec);
}

}  // namespace pg::runtime
