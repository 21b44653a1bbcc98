// ir::map_dispatch: a proxy route whose pool a map of one request header picks, as one
// route per pool (shared by the Caddy and HAProxy emitters).
#include <gtest/gtest.h>

#include "ir/map_dispatch.h"
#include "ir/matchers.h"

namespace pg::test {
namespace {

using namespace pg::ir;

Template text(const std::string& s) { return Template{{TemplatePart(Var::literal, s)}}; }

MapEntry entry(MapMatch m, const std::string& pattern, const std::string& pool) {
  MapEntry e;
  e.match = m;
  e.pattern = pattern;
  e.value = text(pool);
  return e;
}

struct Fixture {
  Config c;
  Route r;
  Fixture() {
    for (const char* n : {"app", "ws", "h2"}) {
      Pool p;
      p.name = n;
      c.pools.push_back(p);
    }
    Map m;
    m.name = "pool";
    m.source = Template{{TemplatePart(Var::request_header, "Upgrade")}};
    m.entries = {entry(MapMatch::regex, "^web", "ws"), entry(MapMatch::exact, "websocket", "ws"),
                 entry(MapMatch::regex_i, "^h2c$", "h2")};
    m.default_value = text("app");
    c.maps.push_back(m);
    r.action.kind = ActionKind::proxy;
    r.action.proxy = ProxyAction{};
    r.action.proxy->dynamic_target = Template{{TemplatePart(Var::map, "pool")}};
  }
};

const Predicate& only(const Matcher& m) {
  EXPECT_EQ(m.op, MatchOp::predicate);
  return *m.predicate;
}

TEST(MapDispatch, OneRoutePerEntryInLookupOrderThenTheDefault) {
  Fixture f;
  std::string name;
  auto routes = map_dispatch(f.c, f.r, &name);
  ASSERT_TRUE(routes);
  EXPECT_EQ(name, "pool");
  ASSERT_EQ(routes->size(), 4u);
  // Exact strings first (ignoring case), then the regexes in order; "^h2c$" is a literal.
  const Predicate& exact = only((*routes)[0].match);
  EXPECT_EQ(exact.kind, PredKind::header_exact);
  EXPECT_EQ(exact.name, "Upgrade");
  EXPECT_EQ(exact.value, "websocket");
  EXPECT_TRUE(exact.case_insensitive);
  EXPECT_EQ((*routes)[0].action.proxy->pool, "ws");
  const Predicate& re = only((*routes)[1].match);
  EXPECT_EQ(re.kind, PredKind::header_regex);
  EXPECT_EQ(re.value, "^web");
  EXPECT_FALSE(re.case_insensitive);
  const Predicate& lit = only((*routes)[2].match);
  EXPECT_EQ(lit.kind, PredKind::header_exact);
  EXPECT_EQ(lit.value, "h2c");
  EXPECT_TRUE(lit.case_insensitive);
  EXPECT_EQ((*routes)[2].action.proxy->pool, "h2");
  EXPECT_EQ((*routes)[3].match.op, MatchOp::all);
  EXPECT_TRUE((*routes)[3].match.children.empty());
  EXPECT_EQ((*routes)[3].action.proxy->pool, "app");
  for (const auto& x : *routes) EXPECT_FALSE(x.action.proxy->dynamic_target);
}

TEST(MapDispatch, TheRoutesOwnConditionIsKept) {
  Fixture f;
  f.r.match = pred(PredKind::path_prefix, "/api/");
  auto routes = map_dispatch(f.c, f.r);
  ASSERT_TRUE(routes);
  const Matcher& m = (*routes)[0].match;
  ASSERT_EQ(m.op, MatchOp::all);
  ASSERT_EQ(m.children.size(), 2u);
  EXPECT_EQ(m.children[0].predicate->kind, PredKind::path_prefix);
  EXPECT_EQ(m.children[1].predicate->kind, PredKind::header_exact);
  EXPECT_EQ(routes->back().match.predicate->kind, PredKind::path_prefix);
}

TEST(MapDispatch, OnlyWhenTheMapDoesNothingMore) {
  {
    Fixture f;  // a value that names no pool
    f.c.maps[0].entries.push_back(entry(MapMatch::exact, "x", "10.0.0.1:80"));
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
  {
    Fixture f;  // a regex matching the empty value: an absent header would take it
    f.c.maps[0].entries.push_back(entry(MapMatch::regex, "^(ws)?$", "ws"));
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
  {
    Fixture f;  // the empty string
    f.c.maps[0].entries.push_back(entry(MapMatch::exact, "", "ws"));
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
  {
    Fixture f;
    f.c.maps[0].hostnames = true;
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
  {
    Fixture f;  // another source than one header
    f.c.maps[0].source = Template{{TemplatePart(Var::path, "")}};
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
  {
    Fixture f;  // a target that is more than the map
    f.r.action.proxy->dynamic_target->parts.push_back(TemplatePart(Var::literal, ":8080"));
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
  {
    Fixture f;
    f.c.maps[0].default_value = text("nowhere");
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
  {
    Fixture f;  // a static pool
    f.r.action.proxy->dynamic_target.reset();
    f.r.action.proxy->pool = "app";
    EXPECT_FALSE(map_dispatch(f.c, f.r));
  }
}

}  // namespace
}  // namespace pg::test
