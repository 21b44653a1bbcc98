// Virtual host selection as nginx does it, on IR compiled from nginx configurations.
#include <gtest/gtest.h>

#include "ir/host_select.h"
#include "support/nginx_fixture.h"

namespace pg::ir {
namespace {

TEST(HostSelect, NginxOrder) {
  auto c = test::http(R"(
    server { listen 80; server_name first.example; }
    server { listen 80; server_name example.com www.example.com; }
    server { listen 80; server_name *.example.com; }
    server { listen 80; server_name *.eu.example.com; }
    server { listen 80; server_name www.example.*; }
    server { listen 80; server_name ~^(?<a>api)\d+\.example\.org$; }
    server { listen 80; server_name ~\.org$; }
    server { listen 81; server_name example.com; }
  )");
  HostSelector s(c);
  EXPECT_EQ(s.select(0, "example.com"), 1);
  EXPECT_EQ(s.select(0, "WWW.Example.COM:80"), 1);   // case and port do not matter
  EXPECT_EQ(s.select(0, "shop.example.com"), 2);
  EXPECT_EQ(s.select(0, "a.b.example.com"), 2);      // nginx wildcards span labels
  EXPECT_EQ(s.select(0, "x.eu.example.com"), 3);     // the longest wildcard
  EXPECT_EQ(s.select(0, "www.example.net"), 4);
  EXPECT_EQ(s.select(0, "api7.example.org"), 5);     // regexes in order
  EXPECT_EQ(s.select(0, "other.org"), 6);
  EXPECT_EQ(s.select(0, "unknown.test"), 0);         // the first server is the default
  EXPECT_EQ(s.select(0, ""), 0);                     // HTTP/1.0 without Host
  EXPECT_EQ(s.select(0, "example.com."), 1);         // a trailing dot
  EXPECT_EQ(s.select(1, "www.example.com"), 7);      // only the listener's own hosts
}

TEST(HostSelect, DefaultServerFlag) {
  auto c = test::http(R"(
    server { listen 80; server_name a.test; }
    server { listen 80 default_server; server_name b.test; }
  )");
  HostSelector s(c);
  EXPECT_EQ(s.select(0, "a.test"), 0);
  EXPECT_EQ(s.select(0, "c.test"), 1);
}

TEST(HostSelect, NormalizeHost) {
  EXPECT_EQ(HostSelector::normalize_host("Example.COM:8080"), "example.com");
  EXPECT_EQ(HostSelector::normalize_host("[::1]:443"), "[::1]");
  EXPECT_EQ(HostSelector::normalize_host("a.test."), "a.test");
}

}  // namespace
}  // namespace pg::ir
