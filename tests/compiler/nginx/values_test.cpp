#include <gtest/gtest.h>

#include "nginx/values.h"

namespace pg::nginx {
namespace {

TEST(Values, TimeIntervals) {
  EXPECT_EQ(parse_time_ms("60"), 60000);  // a bare number is seconds
  EXPECT_EQ(parse_time_ms("500ms"), 500);
  EXPECT_EQ(parse_time_ms("5s"), 5000);
  EXPECT_EQ(parse_time_ms("1m"), 60000);
  EXPECT_EQ(parse_time_ms("1h 30m"), 5400000);
  EXPECT_EQ(parse_time_ms("1h30m"), 5400000);
  EXPECT_EQ(parse_time_ms("1d"), 86400000);
  EXPECT_EQ(parse_time_ms("1w"), 7 * 86400000LL);
  EXPECT_EQ(parse_time_ms("1M"), 30 * 86400000LL);
  EXPECT_EQ(parse_time_ms("1y"), 365 * 86400000LL);
  EXPECT_EQ(parse_time_ms("1m 30"), 90000);
  EXPECT_FALSE(parse_time_ms("60x"));
  EXPECT_FALSE(parse_time_ms("30m 1h"));  // least significant first
  EXPECT_FALSE(parse_time_ms("5 s 5"));
  EXPECT_FALSE(parse_time_ms(""));
  EXPECT_FALSE(parse_time_ms("ms"));
  EXPECT_FALSE(parse_time_ms("99999999999999999999s"));
}

TEST(Values, Sizes) {
  EXPECT_EQ(parse_size("1024"), 1024);
  EXPECT_EQ(parse_size("8k"), 8192);
  EXPECT_EQ(parse_size("8K"), 8192);
  EXPECT_EQ(parse_size("1m"), 1048576);
  EXPECT_EQ(parse_size("1M"), 1048576);
  EXPECT_FALSE(parse_size("1g"));  // gigabytes are for offsets only
  EXPECT_FALSE(parse_size("k"));
  EXPECT_FALSE(parse_size("-1"));
}

TEST(Values, HostPort) {
  auto a = parse_host_port("127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = parse_host_port("8080");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "*");
  auto c = parse_host_port("[::1]:443");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_TRUE(c->ipv6);
  EXPECT_EQ(parse_host_port("unix:/run/x.sock")->host, "unix:/run/x.sock");
  EXPECT_EQ(parse_host_port("backend")->port, 0);
  bool bad_port = false;
  EXPECT_FALSE(parse_host_port("127.0.0.1:99999", &bad_port));
  EXPECT_TRUE(bad_port);
  EXPECT_FALSE(parse_host_port("[::1", &bad_port));
  EXPECT_FALSE(parse_host_port("a b"));
}

TEST(Values, Cidr) {
  EXPECT_TRUE(parse_cidr("10.0.0.0/8"));
  EXPECT_TRUE(parse_cidr("::1"));
  EXPECT_TRUE(parse_cidr("2001:db8::/32"));
  EXPECT_TRUE(parse_cidr("all"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(parse_cidr("example.com"));
}

}  // namespace
}  // namespace pg::nginx
