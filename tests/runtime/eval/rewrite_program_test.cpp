#include <gtest/gtest.h>

#include "eval/rewrite_program.h"
#include "support/nginx_fixture.h"

namespace pg::runtime {
namespace {

struct Run {
  RewriteResult result;
  ir::RequestView request;
};

Run run(const ir::Config& c, const std::vector<ir::RewriteStep>& steps, const std::string& path,
        const std::string& query = "") {
  Evaluator ev(c);
  RewriteProgram program(steps);
  Run out;
  out.request.path = path;
  out.request.query = query;
  out.request.host = "example.com";
  out.result = program.run(out.request, ev);
  return out;
}

TEST(RewriteProgram, FlagsQueriesAndCaptures) {
  auto c = test::http(R"(
    server {
      rewrite ^/old/(.*)$ /new/$1 permanent;
      rewrite ^/blog/(?<slug>[a-z-]+)$ /posts?slug=$slug last;
      rewrite ^/keep/(.*)$ /kept/$1?;
      rewrite ^/b/(.*)$ /c/$1 break;
      return 302 https://$host/fallback;
    }
  )");
  const auto& steps = c.virtual_hosts[0].rewrites;
  auto a = run(c, steps, "/old/x", "q=1");
  EXPECT_EQ(a.result.kind, RewriteResult::Kind::redirect);
  EXPECT_EQ(a.result.status, 301);
  EXPECT_EQ(a.result.location, "/new/x?q=1");
  auto b = run(c, steps, "/blog/hello-world", "ref=home");
  EXPECT_EQ(b.result.kind, RewriteResult::Kind::reselect);
  EXPECT_EQ(b.request.path, "/posts");
  EXPECT_EQ(b.request.query, "slug=hello-world&ref=home");
  auto k = run(c, steps, "/keep/me", "drop=1");
  // No flag: the next steps run; here the return answers.
  EXPECT_EQ(k.request.path, "/kept/me");
  EXPECT_EQ(k.request.query, "");
  EXPECT_EQ(k.result.kind, RewriteResult::Kind::redirect);
  EXPECT_EQ(k.result.location, "https://example.com/fallback");
  auto br = run(c, steps, "/b/x");
  EXPECT_EQ(br.result.kind, RewriteResult::Kind::proceed);
  EXPECT_EQ(br.request.path, "/c/x");
}

TEST(RewriteProgram, PlainRewriteReselectsAtTheEnd) {
  auto c = test::http("server { location / { rewrite ^/a$ /b; rewrite ^/x$ /y; proxy_pass http://127.0.0.1:1; } }");
  const auto& steps = test::route_named(c, "location /").rewrites;
  auto r = run(c, steps, "/a");
  EXPECT_EQ(r.result.kind, RewriteResult::Kind::reselect);
  EXPECT_EQ(r.request.path, "/b");
  EXPECT_EQ(run(c, steps, "/z").result.kind, RewriteResult::Kind::proceed);
}

TEST(RewriteProgram, ReturnWithBody) {
  auto c = test::http("server { return 403 \"denied $host\\n\"; }");
  auto r = run(c, c.virtual_hosts[0].rewrites, "/");
  EXPECT_EQ(r.result.kind, RewriteResult::Kind::respond);
  EXPECT_EQ(r.result.status, 403);
  EXPECT_TRUE(r.result.has_body);
  EXPECT_EQ(r.result.body, "denied example.com\n");
}

}  // namespace
}  // namespace pg::runtime
