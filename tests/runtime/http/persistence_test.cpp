// The persistence cookies' reading and writing, as HAProxy 2.6 and Caddy 2.6 do them
// (the side-by-side tests in tests/runtime compare whole exchanges).
#include <gtest/gtest.h>

#include "http/persistence.h"

namespace pg::runtime::persistence {
namespace {

ir::RequestView with_cookies(std::vector<std::string> fields) {
  ir::RequestView v;
  v.headers.emplace_back("Host", "example.com");
  for (auto& f : fields) v.headers.emplace_back("Cookie", std::move(f));
  return v;
}

TEST(Persistence, RequestCookieIsTheFirstOfExactlyThatName) {
  auto v = with_cookies({"a=1; SRV=s1; SRV=s2", "SRV=s3"});
  EXPECT_EQ(request_cookie(v, "SRV", false), "s1");
  EXPECT_EQ(request_cookie(v, "srv", false), std::nullopt);  // names are case-sensitive
  EXPECT_EQ(request_cookie(with_cookies({"x=1", " SRV = s3 "}), "SRV", false), "s3");
  EXPECT_EQ(request_cookie(with_cookies({}), "SRV", false), std::nullopt);
  EXPECT_EQ(request_cookie(with_cookies({"lb=\"abc\""}), "lb", true), "abc");   // Go unquotes
  EXPECT_EQ(request_cookie(with_cookies({"lb=\"abc\""}), "lb", false), "\"abc\"");  // HAProxy does not
  EXPECT_EQ(request_cookie(with_cookies({"SRV="}), "SRV", false), "");
}

TEST(Persistence, WithoutCookieKeepsTheOthersInOrder) {
  EXPECT_EQ(without_cookie("x=1; SRV=sa; y=2", "SRV"), "x=1; y=2");
  EXPECT_EQ(without_cookie("SRV=sa", "SRV"), "");
  EXPECT_EQ(without_cookie("SRVX=1;SRV=2", "SRV"), "SRVX=1");
}

TEST(Persistence, SetCookieAsHaproxyWritesIt) {
  ir::CookiePersistence c;
  c.name = "SRV";
  EXPECT_EQ(set_cookie(c, "sa"), "SRV=sa; path=/");
  EXPECT_EQ(set_cookie(c, ""), "SRV=; Expires=Thu, 01-Jan-1970 00:00:01 GMT; path=/");
  c.domains = {".a.example", ".b.example"};
  c.httponly = c.secure = true;
  EXPECT_EQ(set_cookie(c, "sa"), "SRV=sa; path=/; domain=.a.example; domain=.b.example; HttpOnly; Secure");
}

TEST(Persistence, CacheableAsHaproxyJudgesIt) {
  using F = FieldList::Field;
  auto f = [](std::string_view n, std::string_view v) { return F{field_id(n), n, v}; };
  const std::vector<F> max_age{f("Cache-Control", "max-age=60")};
  EXPECT_TRUE(cacheable("GET", 200, max_age));
  EXPECT_TRUE(cacheable("HEAD", 200, max_age));
  EXPECT_FALSE(cacheable("POST", 200, max_age));
  EXPECT_FALSE(cacheable("GET", 302, max_age));
  EXPECT_TRUE(cacheable("GET", 404, max_age));
  EXPECT_FALSE(cacheable("GET", 200, {}));  // nothing says how fresh it is
  EXPECT_FALSE(cacheable("GET", 200, std::vector<F>{f("Cache-Control", "public")}));
  EXPECT_TRUE(cacheable("GET", 200, std::vector<F>{f("Expires", "Thu, 01 Jan 2099 00:00:00 GMT")}));
  EXPECT_TRUE(cacheable("GET", 200, std::vector<F>{f("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT")}));
  EXPECT_TRUE(cacheable("GET", 200, std::vector<F>{f("ETag", "\"x\"")}));
  EXPECT_FALSE(cacheable("GET", 200, std::vector<F>{f("Cache-Control", "max-age=60, private")}));
  EXPECT_FALSE(cacheable("GET", 200, std::vector<F>{f("Cache-Control", "no-store"), f("Expires", "x")}));
  EXPECT_FALSE(cacheable("GET", 200, std::vector<F>{f("Cache-Control", "max-age=0")}));
  EXPECT_TRUE(cacheable("GET", 200, std::vector<F>{f("Cache-Control", "max-age=0, s-maxage=30")}));
  EXPECT_FALSE(cacheable("GET", 200, std::vector<F>{f("Pragma", "no-cache"), f("Expires", "x")}));
}

}  // namespace
}  // namespace pg::runtime::persistence
