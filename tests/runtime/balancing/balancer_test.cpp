// The balancers, with an injected clock and random source: nginx's sequences and the
// properties each policy promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include <map>
#include <random>
#include <set>

#include "balancing/balancer.h"

namespace pg::runtime {
namespace {

ir::Pool pool(std::vector<std::pair<int, bool>> weights_backup, ir::Balance policy = ir::Balance::round_robin) {
  ir::Pool p;
  p.name = "p";
  for (size_t i = 0; i < weights_backup.size(); ++i) {
    ir::UpstreamServer s;
    s.address = "10.0.0." + std::to_string(i + 1);
    s.port = 8000;
    s.weight = weights_backup[i].first;
    s.backup = weights_backup[i].second;
    p.servers.push_back(s);
  }
  p.balancing.policy = policy;
  return p;
}

struct Fixture {
  int64_t now = 1000000;
  std::mt19937 rng{42};
  ir::Pool pool_;
  Balancer b;
  explicit Fixture(ir::Pool p)
      : pool_(std::move(p)), b(pool_, [this] { return now; }, [this] { return static_cast<uint32_t>(rng()); }) {}

  // Picks for a fresh request and finishes it at once.
  std::optional<size_t> once(const PickInput& in = {}, bool failed = false) {
    Attempt a = b.start();
    auto p = b.pick(in, a);
    if (!p) return std::nullopt;
    b.finish(*p, failed);
    return p->server;
  }
  std::string sequence(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      auto s = once();
      out += s ? static_cast<char>('a' + *s) : '-';
    }
    return out;
  }
};

TEST(RoundRobin, SmoothWeightedSequenceAsNginx) {
  Fixture f(pool({{3, false}, {1, false}}));
  EXPECT_EQ(f.sequence(8), "aabaaaba");
  Fixture g(pool({{5, false}, {1, false}, {1, false}}));
  EXPECT_EQ(g.sequence(7), "aabacaa");  // nginx's own example
}

TEST(RoundRobin, PositionalOrderAsHaproxy) {
  auto p = pool({{3, false}, {1, false}});
  p.balancing.weighted_order = ir::WeightedOrder::positional;
  Fixture f(p);
  EXPECT_EQ(f.sequence(8), "aaabaaab");  // what HAProxy 2.6's roundrobin answers (side-by-side test)
  auto q = pool({{1, false}, {1, false}, {1, false}});
  q.balancing.weighted_order = ir::WeightedOrder::positional;
  Fixture g(q);
  EXPECT_EQ(g.sequence(6), "abcabc");
  auto r = pool({{2, false}, {1, false}, {1, false}});
  r.balancing.weighted_order = ir::WeightedOrder::positional;
  Fixture h(r);
  std::string seq = h.sequence(8);
  EXPECT_EQ(std::count(seq.begin(), seq.end(), 'a'), 4) << seq;
  EXPECT_EQ(std::count(seq.begin(), seq.end(), 'b'), 2) << seq;
}

TEST(RoundRobin, DownServersAreSkipped) {
  auto p = pool({{1, false}, {1, false}, {1, false}});
  p.servers[1].down = true;
  Fixture f(p);
  EXPECT_EQ(f.sequence(4), "acac");
}

TEST(Backup, OnlyWhenEveryPrimaryIsUnavailable) {
  Fixture f(pool({{1, false}, {1, false}, {1, true}}));
  EXPECT_EQ(f.sequence(4), "abab");
  f.once({}, true);  // a fails (max_fails=1): out for 10 s
  f.once({}, true);  // b fails
  EXPECT_EQ(f.sequence(3), "ccc");
  f.now += 10001;  // the window has passed: primaries are probed again
  std::string back = f.sequence(4);  // their weights recover step by step, as in nginx
  EXPECT_EQ(back.find('c'), std::string::npos) << back;
  EXPECT_NE(back.find('a'), std::string::npos) << back;
  EXPECT_NE(back.find('b'), std::string::npos) << back;
}

TEST(ActiveHealth, FailingServersAreSkippedAndBackupsTakeOver) {
  auto p = pool({{1, false}, {1, false}, {1, true}});
  std::atomic<bool> health[3];
  for (auto& h : health) h.store(true);
  Balancer b(p, [] { return int64_t{0}; }, [] { return 0u; }, health);
  auto seq = [&](int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      Attempt a = b.start();
      auto pick = b.pick({}, a);
      out += pick ? static_cast<char>('a' + pick->server) : '-';
      if (pick) b.finish(*pick, false);
    }
    return out;
  };
  EXPECT_EQ(seq(4), "abab");
  health[0].store(false);  // the check took a out
  EXPECT_EQ(seq(3), "bbb");
  health[1].store(false);  // every primary failing: the backup
  EXPECT_EQ(seq(2), "cc");
  health[2].store(false);  // nothing healthy: no server
  EXPECT_EQ(seq(1), "-");
  health[0].store(true);   // back after `rise` good checks
  EXPECT_EQ(seq(2), "aa");
}

TEST(PassiveHealth, MaxFailsWithinTheWindow) {
  auto p = pool({{1, false}, {1, false}});
  p.servers[0].max_fails = 2;
  p.servers[0].fail_timeout_ms = 5000;
  Fixture f(p);
  Attempt a = f.b.start();
  auto first = f.b.pick({}, a);
  ASSERT_EQ(first->server, 0u);
  f.b.finish(*first, true);  // one failure: still in
  EXPECT_TRUE(Peers::available(f.b.peers().primary()[0], f.now));
  Attempt c = f.b.start();
  auto second = f.b.pick({}, c);
  ASSERT_EQ(second->server, 1u);
  f.b.finish(*second, false);
  Attempt d = f.b.start();
  auto third = f.b.pick({}, d);
  ASSERT_EQ(third->server, 0u);
  f.b.finish(*third, true);  // second failure within 5 s: out
  EXPECT_FALSE(Peers::available(f.b.peers().primary()[0], f.now));
  EXPECT_EQ(f.sequence(3), "bbb");
  f.now += 5001;
  EXPECT_TRUE(Peers::available(f.b.peers().primary()[0], f.now));
  // The probe succeeds: failures are forgiven.
  f.sequence(4);
  EXPECT_EQ(f.b.peers().primary()[0].fails, 0);
}

TEST(Attempts, RetryNeverRepeatsAServer) {
  Fixture f(pool({{1, false}, {1, false}, {1, false}}));
  Attempt a = f.b.start();
  std::set<size_t> seen;
  for (int i = 0; i < 3; ++i) {
    auto p = f.b.pick({}, a);
    ASSERT_TRUE(p);
    EXPECT_TRUE(seen.insert(p->server).second);
    f.b.finish(*p, true);
  }
  EXPECT_FALSE(f.b.pick({}, a));  // every server tried: the caller answers 502/503
}

TEST(MaxConns, FullServersAreSkipped) {
  auto p = pool({{1, false}, {1, false}});
  p.servers[0].max_conns = 1;
  p.servers[1].max_conns = 1;
  Fixture f(p);
  Attempt a = f.b.start(), b = f.b.start(), c = f.b.start();
  auto x = f.b.pick({}, a);
  auto y = f.b.pick({}, b);
  ASSERT_TRUE(x && y);
  EXPECT_NE(x->server, y->server);
  EXPECT_FALSE(f.b.pick({}, c));
  f.b.finish(*x, false);
  EXPECT_TRUE(f.b.pick({}, c));
}

TEST(LeastConn, FewestConnectionsPerWeight) {
  Fixture f(pool({{1, false}, {1, false}, {2, false}}, ir::Balance::least_conn));
  Attempt a1 = f.b.start(), a2 = f.b.start(), a3 = f.b.start(), a4 = f.b.start();
  // All idle: ties go by weighted round robin, which starts with the heaviest.
  EXPECT_EQ(f.b.pick({}, a1)->server, 2u);
  auto p2 = f.b.pick({}, a2);  // c has 1/2, a and b 0/1
  EXPECT_NE(p2->server, 2u);
  auto p3 = f.b.pick({}, a3);
  EXPECT_NE(p3->server, 2u);
  EXPECT_NE(p3->server, p2->server);
  // Now a=1/1, b=1/1, c=1/2: c has the fewest per weight.
  EXPECT_EQ(f.b.pick({}, a4)->server, 2u);
}

TEST(IpHash, SameSlash24SameServer) {
  Fixture f(pool({{1, false}, {1, false}, {1, false}}, ir::Balance::ip_hash));
  std::map<std::string, size_t> by_net;
  std::set<size_t> used;
  for (int net = 0; net < 60; ++net) {
    std::string prefix = "192.168." + std::to_string(net) + ".";
    auto s1 = f.once({prefix + "1", ""});
    auto s2 = f.once({prefix + "200", ""});
    ASSERT_TRUE(s1 && s2);
    EXPECT_EQ(*s1, *s2) << prefix;
    used.insert(*s1);
  }
  EXPECT_EQ(used.size(), 3u);
  auto v6a = f.once({"2001:db8::1", ""});
  auto v6b = f.once({"2001:db8::1", ""});
  EXPECT_EQ(v6a, v6b);
}

TEST(IpHash, MovesOnWhenItsServerIsDown) {
  auto p = pool({{1, false}, {1, false}, {1, false}}, ir::Balance::ip_hash);
  Fixture f(p);
  auto home = f.once({"10.1.2.3", ""});
  ASSERT_TRUE(home);
  f.b.peers().primary()[*home].down = true;
  auto moved = f.once({"10.1.2.3", ""});
  ASSERT_TRUE(moved);
  EXPECT_NE(*moved, *home);
  EXPECT_EQ(f.once({"10.1.2.3", ""}), moved);  // and sticks there
}

TEST(Hash, SameKeySameServerAndEvenSpread) {
  Fixture f(pool({{1, false}, {1, false}, {1, false}, {1, false}}, ir::Balance::hash));
  std::map<size_t, int> count;
  for (int i = 0; i < 400; ++i) {
    std::string key = "/item/" + std::to_string(i);
    auto s = f.once({"", key});
    ASSERT_TRUE(s);
    EXPECT_EQ(f.once({"", key}), s);
    count[*s]++;
  }
  ASSERT_EQ(count.size(), 4u);
  for (auto [server, n] : count) EXPECT_GT(n, 50) << server;
}

TEST(ConsistentHash, RemovingAServerMovesOnlyItsKeys) {
  auto p = pool({{1, false}, {1, false}, {1, false}, {1, false}}, ir::Balance::hash);
  p.balancing.consistent = true;
  Fixture before(p);
  Fixture after(p);
  after.b.peers().primary()[2].down = true;
  int kept = 0, moved_from_removed = 0;
  for (int i = 0; i < 500; ++i) {
    std::string key = "user-" + std::to_string(i);
    auto s1 = before.once({"", key});
    auto s2 = after.once({"", key});
    ASSERT_TRUE(s1 && s2);
    if (*s1 == 2) {
      EXPECT_NE(*s2, 2u);
      ++moved_from_removed;
    } else {
      EXPECT_EQ(*s1, *s2) << key;  // ketama: other keys stay where they were
      ++kept;
    }
  }
  EXPECT_GT(moved_from_removed, 50);
  EXPECT_GT(kept, 300);
}

TEST(Random, FollowsWeights) {
  Fixture f(pool({{3, false}, {1, false}}, ir::Balance::random));
  int a = 0;
  for (int i = 0; i < 4000; ++i) a += f.once() == 0u;
  EXPECT_NEAR(a / 4000.0, 0.75, 0.05);
}

TEST(Random, TwoChoicesPreferTheLessLoaded) {
  auto p = pool({{1, false}, {1, false}}, ir::Balance::random);
  p.balancing.choices = 2;
  Fixture f(p);
  f.b.peers().primary()[0].conns = 10;  // a is busy
  for (int i = 0; i < 50; ++i) EXPECT_EQ(f.once(), 1u);
}

TEST(First, AlwaysTheFirstAvailable) {
  auto p = pool({{1, false}, {1, false}, {1, false}}, ir::Balance::first);
  p.servers[0].max_conns = 1;
  Fixture f(p);
  Attempt a = f.b.start(), b = f.b.start();
  EXPECT_EQ(f.b.pick({}, a)->server, 0u);
  EXPECT_EQ(f.b.pick({}, b)->server, 1u);  // the first is full
}

// Caddy's cookie policy. The expected values are HMAC-SHA256 of "host:port" as
// `openssl dgst -sha256 -hmac SECRET` prints them (and as caddy 2.6.2 sets them).
constexpr const char* kSigned1 = "2a210a8466db21d95493d739dd8aeb4c67d8cfd6ff0131eab21e16a55e608b49";  // 10.0.0.1:8000
constexpr const char* kSigned2 = "45436109b67242433764d4937b1725f34c21c9c7519715b76c6d49c941365be3";  // 10.0.0.2:8000

TEST(Cookie, TheNamedServerKeepsTheClientAndNoCookieIsSet) {
  Fixture f(pool({{1, false}, {1, false}, {1, false}}, ir::Balance::cookie));
  for (int i = 0; i < 20; ++i) {
    Attempt a = f.b.start();
    auto p = f.b.pick({"", kSigned2}, a);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->server, 1u);
    EXPECT_EQ(p->set_cookie, nullptr);
    f.b.finish(*p, false);
  }
}

TEST(Cookie, WithoutOneARandomServerAndItsSignedAddressToSet) {
  Fixture f(pool({{1, false}, {1, false}}, ir::Balance::cookie));
  std::set<size_t> seen;
  for (const std::string key : {"", "not-a-server", "lb"}) {
    for (int i = 0; i < 40; ++i) {
      Attempt a = f.b.start();
      auto p = f.b.pick({"", key}, a);
      ASSERT_TRUE(p && p->set_cookie);
      EXPECT_EQ(*p->set_cookie, p->server == 0 ? kSigned1 : kSigned2);
      seen.insert(p->server);
      f.b.finish(*p, false);
    }
  }
  EXPECT_EQ(seen.size(), 2u);
}

TEST(Cookie, TheSecretKeysTheSignature) {
  auto p = pool({{1, false}, {1, false}}, ir::Balance::cookie);
  p.balancing.secret = "k";
  Fixture f(p);
  Attempt a = f.b.start();
  auto signed_with_k = f.b.pick({"", "750a57bb076b1befda7b465f33ad31aeba272b3dd0151b6ef39e980608359939"}, a);
  ASSERT_TRUE(signed_with_k);
  EXPECT_EQ(signed_with_k->server, 1u);
  EXPECT_EQ(signed_with_k->set_cookie, nullptr);
  Attempt b = f.b.start();
  auto unsigned_value = f.b.pick({"", kSigned2}, b);  // signed without the secret: not recognised
  ASSERT_TRUE(unsigned_value && unsigned_value->set_cookie);
  EXPECT_NE(*unsigned_value->set_cookie, kSigned2);
}

TEST(Cookie, AnUnavailableNamedServerGivesAnotherAndANewCookie) {
  auto p = pool({{1, false}, {1, false}}, ir::Balance::cookie);
  p.servers[1].down = true;
  Fixture f(p);
  for (int i = 0; i < 10; ++i) {
    Attempt a = f.b.start();
    auto pick = f.b.pick({"", kSigned2}, a);
    ASSERT_TRUE(pick && pick->set_cookie);
    EXPECT_EQ(pick->server, 0u);
    EXPECT_EQ(*pick->set_cookie, kSigned1);
  }
}

TEST(Cookie, AnIPv6AddressIsSignedInBrackets) {
  auto p = pool({{1, false}}, ir::Balance::cookie);
  p.servers[0].address = "::1";
  Fixture f(p);
  Attempt a = f.b.start();
  auto pick = f.b.pick({}, a);
  ASSERT_TRUE(pick && pick->set_cookie);
  EXPECT_EQ(*pick->set_cookie, "cabec7a9079e0affc957f8a6ce10ada48613b5ecdacdb9f5a41eb6f6a36229d2");  // [::1]:8000
}

// Caddy 2.6's hashing: what caddy 2.6.2 chose for these keys over these three upstreams
// (uri_hash, header and ip_hash policies, seen side by side).
ir::Pool caddy_hash_pool() {
  auto p = pool({{1, false}, {1, false}, {1, false}}, ir::Balance::hash);
  for (size_t i = 0; i < 3; ++i) p.servers[i].address = "127.0.0.1", p.servers[i].port = 19821 + static_cast<int>(i);
  p.balancing.consistent = true;
  p.balancing.rendezvous = true;
  return p;
}

TEST(Rendezvous, ChoosesAsCaddy) {
  Fixture f(caddy_hash_pool());
  const std::vector<std::pair<std::string, size_t>> seen = {
      {"/", 0}, {"/a", 2}, {"/b?x=1", 2}, {"/users/42", 2}, {"/zz", 0}, {"/q?a=b&c=d", 1}, {"/%41", 0},
      {"/k230", 0}, {"/k249", 0}, {"/k468", 2}, {"/k623", 2}, {"one", 0}, {"two", 2}, {"four", 2},
      {"six", 0}, {"127.0.0.2", 0}, {"127.0.0.3", 1}, {"127.0.0.4", 2}, {"127.0.0.5", 0}};
  for (const auto& [key, server] : seen) EXPECT_EQ(f.once({"", key}), server) << key;
}

TEST(Rendezvous, AnUnavailableServerGivesTheNextHighest) {
  auto p = caddy_hash_pool();
  p.servers[2].down = true;
  Fixture f(p);
  EXPECT_EQ(f.once({"", "/a"}), 1u);  // c, then b, then a
  EXPECT_EQ(f.once({"", "/zz"}), 0u);
}

TEST(Rendezvous, NoKeyPicksAtRandom) {  // Caddy's header policy without the field
  Fixture f(caddy_hash_pool());
  std::set<size_t> seen;
  for (int i = 0; i < 60; ++i) seen.insert(*f.once({"", ""}));
  EXPECT_EQ(seen.size(), 3u);
}

}  // namespace
}  // namespace pg::runtime
