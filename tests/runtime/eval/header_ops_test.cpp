#include <gtest/gtest.h>

#include "eval/header_ops.h"
#include "support/nginx_fixture.h"

namespace pg::runtime {
namespace {

TEST(HeaderOps, RequestOpsAsNginxApplies) {
  auto c = test::http(R"(server { location / { proxy_pass http://127.0.0.1:1;
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Empty $http_x_missing;
    proxy_set_header Accept-Encoding "";
  } })");
  const auto& route = test::route_named(c, "location /");
  Evaluator ev(c);
  ir::RequestView r;
  r.host = "example.com";
  r.client_address = "10.0.0.9";
  r.headers = {{"Host", "example.com"}, {"X-Forwarded-For", "1.2.3.4"}, {"Accept-Encoding", "gzip"},
               {"Connection", "keep-alive"}, {"Keep-Alive", "300"}, {"X-Other", "kept"}};
  HeaderList h = r.headers;
  apply_header_ops(route.request_headers, h, ev, r);
  HeaderList want = {{"X-Other", "kept"},
                     {"Host", "example.com"},
                     {"X-Forwarded-For", "1.2.3.4, 10.0.0.9"},
                     {"Connection", "close"}};
  EXPECT_EQ(h, want);  // empty values are not passed; the defaults removed Keep-Alive
}

TEST(HeaderOps, AddHeaderAlwaysOnlyMattersForErrors) {
  auto c = test::http(R"(server { location / { return 200; add_header X-A a; add_header X-B b always; } })");
  const auto& ops = test::route_named(c, "location /").response_headers;
  Evaluator ev(c);
  ir::RequestView r;
  HeaderList ok, error;
  apply_response_header_ops(ops, ok, 200, ev, r);
  apply_response_header_ops(ops, error, 502, ev, r);
  EXPECT_EQ(ok, (HeaderList{{"X-A", "a"}, {"X-B", "b"}}));
  EXPECT_EQ(error, (HeaderList{{"X-B", "b"}}));
}

}  // namespace
}  // namespace pg::runtime

namespace pg::runtime {
namespace {

TEST(HeaderOps, ReplaceRewritesMatchesInPlace) {
  ir::Config c;
  ir::HeaderOp op;
  op.op = ir::HeaderOpKind::replace;
  op.name = "Cookie";
  op.search = "session=([a-z]+)";
  op.value.parts.push_back({ir::Var::literal, "sid=$1"});
  Evaluator ev(c);
  ir::RequestView r;
  HeaderList h = {{"Cookie", "a=1; session=abc; session=def"}, {"Other", "session=x"}};
  apply_header_ops({op}, h, ev, r);
  EXPECT_EQ(h, (HeaderList{{"Cookie", "a=1; sid=abc; sid=def"}, {"Other", "session=x"}}));
}

}  // namespace
}  // namespace pg::runtime
