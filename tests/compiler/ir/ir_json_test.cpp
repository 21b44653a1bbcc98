#include <gtest/gtest.h>

#include "ir/ir_json.h"
#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

TEST(IrJson, RoundTripsACompiledConfig) {
  auto c = http(R"(
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream app { least_conn; server 127.0.0.1:8000 weight=2; server 127.0.0.1:8001 backup; keepalive 8; }
    server {
      listen 8080 default_server;
      server_name example.com *.example.com;
      rewrite ^/old/(.*)$ /new/$1 last;
      location / { proxy_pass http://app; proxy_set_header Connection $connection_upgrade; }
      location ~* \.png$ { return 404; }
      location @named { return 200 "named"; }
      error_page 502 = @named;
    }
  )");
  std::string json = ir::to_canonical_json(c);
  ir::Config back = ir::config_from_json(json);
  EXPECT_EQ(ir::to_canonical_json(back), json);
}

TEST(IrJson, StableKeyOrderAndUnits) {
  auto c = http("server { location / { proxy_pass http://127.0.0.1:1; proxy_read_timeout 2m; } }");
  std::string json = ir::to_canonical_json(c);
  EXPECT_EQ(json.rfind("{\n  \"schema_version\": 1,\n  \"source_dialect\": \"nginx\",", 0), 0u) << json.substr(0, 200);
  EXPECT_NE(json.find("\"read_ms\": 120000"), std::string::npos);
  EXPECT_NE(json.find("\"loc\": \"test.conf:3:"), std::string::npos);  // FILE:LINE:COL
  EXPECT_EQ(ir::to_canonical_json(c), json);  // deterministic
}

TEST(IrJson, KeywordEnumeratorsHaveNoUnderscore) {
  auto c = http("server { location /a/ { location /a/b/ { return 200; } return 200; } location ^~ /x/ { return 200; } location ~ y { return 200; } }");
  std::string json = ir::to_canonical_json(c);
  EXPECT_NE(json.find("\"op\": \"not\""), std::string::npos);
  EXPECT_EQ(json.find("\"not_\""), std::string::npos);
}

TEST(IrJson, RejectsMalformedInput) {
  EXPECT_ANY_THROW(ir::config_from_json("{"));
  EXPECT_ANY_THROW(ir::config_from_json("{\"schema_version\": \"one\"}"));
}

}  // namespace
}  // namespace pg::test

namespace pg::test {
namespace {

// Configurations are bytes: a Latin-1 value survives the JSON round trip (found by
// the fuzzer).
TEST(IrJson, NonUtf8BytesRoundTrip) {
  auto c = http("server { location / { return 200 \"caf\xe9\"; } }");
  std::string json = ir::to_canonical_json(c);
  EXPECT_EQ(ir::to_canonical_json(ir::config_from_json(json)), json);
  EXPECT_NE(json.find("caf\xe9"), std::string::npos);
}

}  // namespace
}  // namespace pg::test
