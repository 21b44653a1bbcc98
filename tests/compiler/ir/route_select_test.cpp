// The matcher semantics of the IR, independent of any dialect.
#include <gtest/gtest.h>

#include "ir/route_select.h"

namespace pg::ir {
namespace {

Matcher pred(PredKind k, std::string value, std::string name = "", bool ci = false) {
  Matcher m;
  m.op = MatchOp::predicate;
  m.predicate = Predicate{k, std::move(name), std::move(value), ci};
  return m;
}

Matcher op(MatchOp o, std::vector<Matcher> children) {
  Matcher m;
  m.op = o;
  m.children = std::move(children);
  return m;
}

VirtualHost vhost(std::vector<std::pair<std::string, Matcher>> routes) {
  VirtualHost vh;
  for (auto& [name, m] : routes) {
    Route r;
    r.name = name;
    r.match = std::move(m);
    vh.routes.push_back(std::move(r));
  }
  return vh;
}

TEST(RouteSelect, FirstMatchWins) {
  auto vh = vhost({{"exact", pred(PredKind::path_exact, "/a")},
                   {"prefix", pred(PredKind::path_prefix, "/a")},
                   {"regex", pred(PredKind::path_regex, "\\.PNG$", "", true)}});
  RouteSelector s(vh);
  RequestView r;
  r.path = "/a";
  EXPECT_EQ(s.select(r), 0);
  r.path = "/ab";
  EXPECT_EQ(s.select(r), 1);
  r.path = "/x.png";
  EXPECT_EQ(s.select(r), 2);
  r.path = "/x";
  EXPECT_EQ(s.select(r), -1);
}

TEST(RouteSelect, BooleanTree) {
  auto vh = vhost({{"api-get-not-admin",
                    op(MatchOp::all, {pred(PredKind::path_prefix, "/api"), pred(PredKind::method, "GET"),
                                      op(MatchOp::not_, {pred(PredKind::header_present, "", "X-Admin")})})},
                   {"any", op(MatchOp::any, {pred(PredKind::host, "a.example"), pred(PredKind::scheme, "https")})}});
  RouteSelector s(vh);
  RequestView r;
  r.path = "/api/x";
  EXPECT_EQ(s.select(r), 0);
  r.headers.push_back({"x-admin", "1"});
  EXPECT_EQ(s.select(r), -1);
  r.host = "A.Example";
  EXPECT_EQ(s.select(r), 1);
  r.host = "b";
  r.scheme = "https";
  EXPECT_EQ(s.select(r), 1);
}

TEST(RouteSelect, HeadersQueryClientUpgrade) {
  auto vh = vhost({{"hdr", pred(PredKind::header_regex, "^v[0-9]+$", "Accept-Version")},
                   {"exact", pred(PredKind::header_exact, "yes", "X-Canary")},
                   {"query", pred(PredKind::query, "debug=1")},
                   {"cidr", pred(PredKind::client_cidr, "10.0.0.0/8")},
                   {"ws", pred(PredKind::upgrade, "websocket")}});
  RouteSelector s(vh);
  RequestView r;
  r.headers = {{"accept-version", "v2"}};
  EXPECT_EQ(s.select(r), 0);
  r.headers = {{"X-Canary", "yes"}};
  EXPECT_EQ(s.select(r), 1);
  r.headers = {};
  r.query = "debug=1";
  EXPECT_EQ(s.select(r), 2);
  r.query = "";
  r.client_address = "10.1.2.3";
  EXPECT_EQ(s.select(r), 3);
  r.client_address = "192.168.0.1";
  r.headers = {{"Upgrade", "WebSocket"}};
  EXPECT_EQ(s.select(r), 4);
}

TEST(RouteSelect, InternalRoutesAreNotServed) {
  auto vh = vhost({{"internal", pred(PredKind::path_prefix, "/")}});
  vh.routes[0].internal = true;
  RouteSelector s(vh);
  EXPECT_EQ(s.select(RequestView{}), -1);
}

TEST(Cidr, Containment) {
  EXPECT_TRUE(cidr_contains("10.0.0.0/8", "10.255.0.1"));
  EXPECT_FALSE(cidr_contains("10.0.0.0/8", "11.0.0.1"));
  EXPECT_TRUE(cidr_contains("192.168.1.0/25", "192.168.1.127"));
  EXPECT_FALSE(cidr_contains("192.168.1.0/25", "192.168.1.128"));
  EXPECT_TRUE(cidr_contains("2001:db8::/32", "2001:db8:1::5"));
  EXPECT_FALSE(cidr_contains("2001:db8::/32", "10.0.0.1"));
  EXPECT_TRUE(cidr_contains("all", "::1"));
  EXPECT_TRUE(cidr_contains("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(cidr_contains("127.0.0.1", "127.0.0.2"));
}

}  // namespace
}  // namespace pg::ir
