// The upstream's response as an exchange reads it: Beast's HTTP/1 parser (its framing
// rules and checks), with the head kept in one buffer of its own and the body read,
// piece by piece, into a buffer the caller lends. Beast's parser<false, buffer_body>
// builds a fields tree, an allocation and a case-insensitive insertion per field, for
// a head the proxy reads once and passes on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/basic_parser.hpp>

#include "http/field_list.h"

namespace pg::runtime {

class ResponseParser : public boost::beast::http::basic_parser<false> {
 public:
  ResponseParser() {
    head_.reserve(1024);
    spans_.reserve(16);
  }

  int status() const { return status_; }
  unsigned version() const { return version_; }
  std::string_view reason() const { return std::string_view(head_).substr(0, reason_size_); }
  // The header's fields, in order (trailers of a chunked body are not kept); valid
  // once is_header_done().
  const std::vector<FieldList::Field>& fields() const { return fields_; }

  // Where the body goes next: `size` bytes at `data`. A full buffer ends a read with
  // error::need_buffer, as Beast's buffer_body does.
  void lend(char* data, size_t size) {
    data_ = data;
    room_ = size;
  }
  size_t room() const { return room_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;
  struct Span {
    boost::beast::http::field id;
    size_t name_at, name_size, value_at, value_size;
  };

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  int status_ = 0;
  unsigned version_ = 11;
  size_t reason_size_ = 0;
  std::string head_;  // the reason, then each field's name and value
  std::vector<Span> spans_;
  std::vector<FieldList::Field> fields_;
  char* data_ = nullptr;
  size_t room_ = 0;
};

}  // namespace pg::runtime
