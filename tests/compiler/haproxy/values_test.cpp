// HAProxy's value syntax: times with units, addresses with ports and families.
#include <gtest/gtest.h>

#include "haproxy/values.h"

namespace pg::haproxy {
namespace {

TEST(HaproxyValues, Times) {
  EXPECT_EQ(parse_time("1500").ms, 1500);  // milliseconds by default
  EXPECT_EQ(parse_time("250ms").ms, 250);
  EXPECT_EQ(parse_time("1500us").ms, 2);  // rounded up
  EXPECT_EQ(parse_time("30s").ms, 30000);
  EXPECT_EQ(parse_time("2m").ms, 120000);
  EXPECT_EQ(parse_time("1h").ms, 3600000);
  EXPECT_EQ(parse_time("1d").ms, 86400000);
  EXPECT_EQ(parse_time("5x").error, "unexpected character 'x'");
  EXPECT_EQ(parse_time("s").error, "unexpected character 's'");
  EXPECT_NE(parse_time("30d").error.find("timer overflow"), std::string::npos);
  EXPECT_NE(parse_time("99999999999").error.find("timer overflow"), std::string::npos);
}

TEST(HaproxyValues, Addresses) {
  auto a = parse_address("*:80");
  EXPECT_EQ(a.host, "0.0.0.0");
  EXPECT_EQ(a.port, 80);
  EXPECT_EQ(parse_address(":8080").host, "0.0.0.0");
  EXPECT_EQ(parse_address("ipv6@:443").host, "::");
  auto v6 = parse_address("[2001:db8::1]:8443");
  EXPECT_EQ(v6.host, "2001:db8::1");
  EXPECT_EQ(v6.port, 8443);
  auto bare6 = parse_address(":::80");  // the last colon separates the port
  EXPECT_EQ(bare6.host, "::");
  EXPECT_EQ(bare6.port, 80);
  auto name = parse_address("app.internal:9000");
  EXPECT_EQ(name.host, "app.internal");
  EXPECT_FALSE(parse_address("10.0.0.1").has_port);
  EXPECT_EQ(parse_address("/run/app.sock").host, "unix:/run/app.sock");
  EXPECT_TRUE(parse_address("unix@/run/app.sock").unix_socket);
  EXPECT_EQ(parse_address("1.2.3.4:0").error, "invalid port '0'");
  EXPECT_EQ(parse_address("1.2.3.4:65536").error, "invalid port '65536'");
  EXPECT_NE(parse_address("1.2.3.4:80-90").error.find("port ranges"), std::string::npos);
  EXPECT_EQ(parse_address("tcp6@:80").host, "::");
  EXPECT_NE(parse_address("udp@:80").error.find("unknown address family"), std::string::npos);
}

}  // namespace
}  // namespace pg::haproxy
