// Bad input of any kind: a diagnostic, never a crash or a hang. The libFuzzer target
// (tests/fuzz) explores further; these are the cases worth keeping.
#include <gtest/gtest.h>

#include <random>

#include "nginx/lower.h"
#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

TEST(HostileInput, DeepNestingIsAnErrorNotAStackOverflow) {
  std::string text(200000, '{');
  auto r = compile_nginx(text);
  EXPECT_FALSE(r.config);
  EXPECT_NE(r.errors().find("blocks nested deeper than 100 levels"), std::string::npos);
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "location / {";
  EXPECT_FALSE(compile_nginx(deep).config);
}

TEST(HostileInput, ManyClosingBraces) {
  auto r = compile_nginx(std::string(100000, '}'));
  EXPECT_FALSE(r.config);
}

TEST(HostileInput, HugeToken) {
  std::string text = "events {}\nhttp { default_type " + std::string(1 << 20, 'a') + "; }\n";
  auto r = compile_nginx(text);
  EXPECT_TRUE(r.config) << r.errors().substr(0, 300);
}

TEST(HostileInput, EmptyAndWhitespace) {
  EXPECT_TRUE(compile_nginx("").config);
  EXPECT_TRUE(compile_nginx(" \n\t# only a comment").config);
}

TEST(HostileInput, LoneBackslashAtEnd) {
  auto r = compile_nginx("events {}\nfoo \\");
  EXPECT_FALSE(r.config);
  EXPECT_NE(r.errors().find("unexpected end of file"), std::string::npos) << r.errors();
}

// Random mutations of a realistic configuration, deterministic and bounded.
TEST(HostileInput, MutatedConfigsNeverCrash) {
  const std::string base = R"(events { worker_connections 64; }
http {
  map $http_upgrade $c { default upgrade; '' close; ~^x(?<n>\d+) $n; }
  upstream app { least_conn; server 127.0.0.1:8000 weight=3 max_fails=2; server 127.0.0.1:8001 backup; keepalive 8; }
  server {
    listen 8080 default_server; server_name example.com "~^(?<sub>.+)\.example\.com$";
    rewrite ^/old/(.*)$ /new/$1 permanent;
    location / { proxy_pass http://app/; proxy_set_header Host $host; proxy_read_timeout 5s; }
    location ~* \.(png|jpg)$ { return 404 "no"; }
    location ^~ /static/ { location ~ \.js$ { return 200; } add_header X-A 1 always; }
    location = /x { internal; error_page 502 = @f; }
    location @f { return 200; }
  }
}
)";
  std::mt19937 rng(12345);
  const std::string alphabet = "{};\"'\\$#~*^=@/ \n\tabc0123456789()[]|?.:-_\xff\x80";
  for (int i = 0; i < 3000; ++i) {
    std::string t = base;
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !t.empty(); ++e) {
      size_t pos = rng() % t.size();
      switch (rng() % 3) {
        case 0: t.erase(pos, 1 + rng() % 4); break;
        case 1: t.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        default: t[pos] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    Diagnostics diags;
    auto config = nginx::compile_text(t, "fuzz.conf", diags);
    // Either it compiled, or it said why.
    EXPECT_TRUE(config.has_value() || diags.has_errors()) << t;
  }
}

}  // namespace
}  // namespace pg::test
