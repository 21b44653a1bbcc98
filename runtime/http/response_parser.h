// The upstream's response as an exchange reads it, with the head's fields kept as
// views into the read buffer and the body read, piece by piece, into a buffer the
// caller lends. Beast's parser<false, buffer_body> builds a fields tree, an allocation
// and a case-insensitive insertion per field, for a head the proxy reads once and
// passes on.
//
// Two ways through. A head that is whole in the first bytes and plain (HTTP/1.0 or
// 1.1, not 1xx, every field a token name and printable value on one line, at most
// one Content-Length of digits, Connection a single token, no Transfer-Encoding or
// Upgrade) is read by a scanner of its own, and its body (by length, or up to the
// end of the stream) without Beast: most responses, and the scanner accepts nothing
// Beast's parser would refuse. Anything else goes through Beast's parser (its framing
// rules and checks, chunked bodies): the results are the same either way.
#pragma once

#include <cstdint>
#include <memory_resource>
#include <span>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/container/small_vector.hpp>
#include <boost/optional.hpp>

#include "http/field_list.h"

namespace pg::runtime {

class ResponseParser : public boost::beast::http::basic_parser<false> {
  using Base = boost::beast::http::basic_parser<false>;

 public:
  int status() const { return status_; }
  unsigned version() const { return version_; }
  // The reason phrase and the header's fields, in order (trailers of a chunked body
  // are not kept), once is_header_done(): views into the buffer the head was parsed
  // from, valid until that buffer is read into again (a flat_buffer moves what it
  // holds to its front to make room). An exchange lays out the client's head before
  // it reads the body on.
  std::string_view reason() const { return reason_; }
  std::span<const FieldList::Field> fields() const { return {fields_.data(), fields_.size()}; }

  // The buffer is about to be read into with the head incomplete (http/fast_io.h calls
  // this): Beast hands out the start line and fields as it parses them, and the parts
  // it handed out already are copied out of the buffer, which may move them.
  void before_read();

  // Where the body goes next: `size` bytes at `data`. A full buffer ends a read with
  // error::need_buffer, as Beast's buffer_body does.
  void lend(char* data, size_t size) {
    data_ = data;
    room_ = size;
  }
  size_t room() const { return room_; }

  // Beast's parser interface, as the reads (http/fast_io.h) and the exchange use it,
  // answered by whichever way the message goes.
  size_t put(boost::asio::const_buffer buffer, boost::beast::error_code& ec);
  void put_eof(boost::beast::error_code& ec);
  bool got_some() const { return mode_ == Mode::own || Base::got_some(); }
  bool is_header_done() const { return mode_ == Mode::own || Base::is_header_done(); }
  bool is_done() const { return mode_ == Mode::own ? done_ : Base::is_done(); }
  bool keep_alive() const;
  bool need_eof() const { return mode_ == Mode::own ? to_eof_ : Base::need_eof(); }
  boost::optional<std::uint64_t> content_length() const {
    return mode_ == Mode::own ? length_ : Base::content_length();
  }
  void skip(bool v) {
    skip_body_ = v;
    Base::skip(v);
  }
  void body_limit(boost::optional<std::uint64_t> v) {
    limited_ = v.has_value();
    Base::body_limit(v);
  }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::beast::error_code;
  enum class Mode { undecided, own, beast };

  // The head's length when `text` starts with a whole plain head (read into this
  // parser's state), else 0: Beast's parser takes the message.
  size_t read_plain_head(std::string_view text);

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(boost::optional<std::uint64_t> const&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override;
  void on_finish_impl(error_code&) override {}

  std::string_view copy(std::string_view text);  // into copies_

  int status_ = 0;
  unsigned version_ = 11;
  std::string_view reason_;
  boost::container::small_vector<FieldList::Field, 16> fields_;  // no allocation for most heads
  size_t kept_ = 0;                 // fields_[0, kept_) are copies
  bool reason_kept_ = true;         // false while reason_ views the buffer
  std::pmr::monotonic_buffer_resource copies_;  // of a head that came in pieces
  char* data_ = nullptr;
  size_t room_ = 0;

  // The message read without Beast (Mode::own).
  Mode mode_ = Mode::undecided;
  bool skip_body_ = false;  // a response to HEAD
  bool limited_ = false;    // a body limit: Beast's parser enforces it
  bool close_ = false, keep_alive_token_ = false;  // Connection: close, keep-alive
  bool to_eof_ = false;     // the body ends with the stream
  bool done_ = false;
  boost::optional<std::uint64_t> length_;  // Content-Length
  std::uint64_t left_ = 0;                 // body bytes still to come, by length
};

}  // namespace pg::runtime
