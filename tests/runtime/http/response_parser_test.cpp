#include <gtest/gtest.h>

#include <cstring>
#include <ostream>
#include <string>
#include <string_view>

#include <boost/beast/http/error.hpp>

#include "http/response_parser.h"

namespace pg::runtime {
namespace {

namespace http = boost::beast::http;

// What a read does to the bytes the parser consumed: a flat_buffer moves what it still
// holds to its front, over them.
void overwrite(std::string& buffer, size_t consumed) { std::memset(buffer.data(), '#', consumed); }

std::string field(const ResponseParser& p, std::string_view name) {
  for (const auto& f : p.fields())
    if (f.name == name) return std::string(f.value);
  return "(none)";
}

TEST(ResponseParser, FieldsViewTheBufferOfAWholeHead) {
  std::string head = "HTTP/1.1 200 Fine\r\nServer: up\r\nContent-Length: 2\r\nX-A: one\r\n\r\nok";
  ResponseParser p;
  p.body_limit(boost::none);
  boost::system::error_code ec;
  size_t used = p.put(boost::asio::buffer(head), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(p.is_header_done());
  EXPECT_EQ(p.status(), 200);
  EXPECT_EQ(p.reason(), "Fine");
  ASSERT_EQ(p.fields().size(), 3u);
  EXPECT_EQ(field(p, "Server"), "up");
  EXPECT_EQ(field(p, "X-A"), "one");
  EXPECT_EQ(p.fields()[0].name.data(), head.data() + head.find("Server"));  // no copy
  char body[8];
  p.lend(body, sizeof body);
  p.put(boost::asio::buffer(head.data() + used, head.size() - used), ec);
  ASSERT_FALSE(ec);
  EXPECT_TRUE(p.is_done());
  EXPECT_EQ(std::string_view(body, sizeof body - p.room()), "ok");
}

TEST(ResponseParser, AHeadInPiecesKeepsWhatWasParsedBeforeTheBufferMoves) {
  // Beast hands out the status line and the complete fields of a first piece at once
  // and consumes them; the next read may move the buffer over them.
  std::string first = "HTTP/1.1 404 Not Here\r\nServer: up\r\nX-Long: abcdefgh\r\nX-Cut: par";
  std::string rest = "tial\r\nContent-Length: 0\r\n\r\n";
  ResponseParser p;
  boost::system::error_code ec;
  size_t used = p.put(boost::asio::buffer(first), ec);
  ASSERT_EQ(ec, http::error::need_more);
  ASSERT_GT(used, 0u);
  p.before_read();
  std::string buffer = first.substr(used) + rest;
  overwrite(first, used);
  p.put(boost::asio::buffer(buffer), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(p.is_done());
  EXPECT_EQ(p.status(), 404);
  EXPECT_EQ(p.reason(), "Not Here");
  EXPECT_EQ(field(p, "Server"), "up");
  EXPECT_EQ(field(p, "X-Long"), "abcdefgh");
  EXPECT_EQ(field(p, "X-Cut"), "partial");
  EXPECT_EQ(field(p, "Content-Length"), "0");
}

TEST(ResponseParser, AnUnfoldedValueOutlivesTheParse) {
  // Beast unfolds an obs-fold value into a buffer that lives only while it parses.
  std::string head = "HTTP/1.1 200 OK\r\nX-Folded: one\r\n two\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n";
  ResponseParser p;
  boost::system::error_code ec;
  p.put(boost::asio::buffer(head), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(p.is_done());
  std::string folded = field(p, "X-Folded");
  EXPECT_NE(folded.find("one"), std::string::npos);
  EXPECT_NE(folded.find("two"), std::string::npos);
  EXPECT_EQ(field(p, "X-Empty"), "");
}

// What a parser made of a response: its head, framing and body, or the error.
struct Outcome {
  std::string error, head, body;
  bool keep_alive = false, need_eof = false;
  std::string length;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "error=" << o.error << " head=" << o.head << " body=" << o.body << " keep_alive=" << o.keep_alive
            << " need_eof=" << o.need_eof << " length=" << o.length;
}

// Parses `message` fed in pieces of `piece` bytes (the whole at once: the own way for a
// plain head; a first piece without the whole head: Beast's parser), then the end of
// the stream. The buffer behaves as a flat_buffer: consumed bytes stay until the next
// read moves what is left to the front; the head is noted as soon as it is done (an
// exchange lays out its own head then).
Outcome parse(const std::string& message, size_t piece, bool head_request = false) {
  ResponseParser p;
  p.body_limit(boost::none);
  if (head_request) p.skip(true);
  Outcome o;
  char body[64];
  p.lend(body, sizeof body);
  std::string buffer;
  size_t in = 0, fed = 0;
  boost::system::error_code ec;
  auto note_head = [&] {
    if (!o.head.empty() || !p.is_header_done()) return;
    o.head = std::to_string(p.status()) + " " + std::string(p.reason()) + " HTTP/" + std::to_string(p.version());
    for (const auto& f : p.fields())
      o.head += "|" + std::string(f.name) + "=" + std::string(f.value) + "#" + std::to_string(static_cast<int>(f.id));
  };
  while (!p.is_done()) {
    if (in == buffer.size() || ec == http::error::need_more) {  // read
      if (fed == message.size()) {
        p.put_eof(ec);
        if (ec) o.error = ec.message();
        break;
      }
      p.before_read();
      overwrite(buffer, in);
      buffer.erase(0, in);
      in = 0;
      const size_t n = std::min(piece, message.size() - fed);
      buffer.append(message, fed, n);
      fed += n;
    }
    const size_t used = p.put(boost::asio::buffer(buffer.data() + in, buffer.size() - in), ec);
    in += used;
    note_head();
    if (ec && ec != http::error::need_more) {
      o.error = ec.message();
      return o;
    }
  }
  note_head();
  if (o.head.empty()) {
    o.error = o.error.empty() ? "incomplete" : o.error;
    return o;
  }
  o.body.assign(body, sizeof body - p.room());
  o.keep_alive = p.keep_alive();
  o.need_eof = p.need_eof();
  o.length = p.content_length() ? std::to_string(*p.content_length()) : "-";
  return o;
}

// The own way and Beast's parser agree on every head, plain or not: what the own way
// takes it reads the same, and it leaves everything else, errors included, to Beast.
TEST(ResponseParser, TheOwnWayAndBeastsParserAgree) {
  const std::string heads[] = {
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
      "Connection: keep-alive\r\n\r\nhello\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n",
      "HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\n\r\nto the end",
      "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc",
      "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 3\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\nProxy-Connection: close\r\nContent-Length: 3\r\n\r\nabc",
      "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 1\r\n\r\nx",
      "HTTP/1.1 200 OK\r\nX-Blank:   \r\nX-Trail: v \t\r\nContent-Length: 1\r\n\r\nx",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab",  // cut short
      "HTTP/1.1 200 OK\r\nContent-Length: 007\r\n\r\n1234567",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
      "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
      // what Beast refuses, or reads differently, goes to Beast
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nxy",
      "HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\nx",
      "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad\x01: x\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: x\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\x7f\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: one\r\n two\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n",
      "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nConnection: \"close\"\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nConnection:\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n",
  };
  for (const auto& message : heads) {
    SCOPED_TRACE(message);
    const Outcome whole = parse(message, message.size());
    const Outcome beast = parse(message, 5);  // no whole head in the first piece
    EXPECT_EQ(whole, beast);
    // A response to HEAD has no body, whatever its head says.
    EXPECT_EQ(parse(message, message.size(), true), parse(message, 5, true));
  }
}

}  // namespace
}  // namespace pg::runtime
