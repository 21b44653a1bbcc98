#include "balancing/balancer.h"

#include <arpa/inet.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "ir/sticky_cookie.h"

namespace pg::runtime {

namespace {

// nginx gives up on a hash and falls back to round robin after this many re-picks.
constexpr int kMaxHashTries = 20;

uint32_t crc32_of(std::string_view s, uint32_t crc = 0) {
  return static_cast<uint32_t>(::crc32(crc, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

// The peer a weight offset falls on, walking peers in order (nginx's hash walk).
size_t by_weight(const std::vector<Peer>& peers, uint32_t w) {
  size_t p = 0;
  while (p + 1 < peers.size() && w >= static_cast<uint32_t>(peers[p].weight)) {
    w -= static_cast<uint32_t>(peers[p].weight);
    ++p;
  }
  return p;
}

// The server's name as nginx hashes it for consistent hashing: host, NUL, port.
std::string ketama_base(const ir::UpstreamServer& s) {
  std::string host = s.address;
  if (host.rfind("unix:", 0) == 0) return host.substr(5) + std::string(1, '\0');
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host + std::string(1, '\0') + (s.port ? std::to_string(s.port) : "");
}

}  // namespace

Balancer::Balancer(const ir::Pool& pool, Clock clock, Random random, const std::atomic<bool>* health)
    : pool_(pool),
      balancing_(pool.balancing),
      peers_(pool, health),
      clock_(std::move(clock)),
      random_(std::move(random)) {
  if (balancing_.policy == ir::Balance::round_robin && balancing_.rotation_offset > 0) {
    Tried none(peers_.primary().size(), false);
    for (int i = 0; i < balancing_.rotation_offset; ++i) round_robin(peers_.primary(), none, clock_());
  }
  if (balancing_.policy == ir::Balance::cookie || (balancing_.policy == ir::Balance::hash && balancing_.rendezvous))
    for (const auto& server : pool.servers) dials_.push_back(ir::dial_address(server));
  if (balancing_.policy == ir::Balance::cookie)
    for (const auto& dial : dials_) cookie_values_.push_back(ir::signed_address(balancing_.secret, dial));
  if (balancing_.policy == ir::Balance::hash && balancing_.consistent && !balancing_.rendezvous) {
    auto& primary = peers_.primary();
    for (size_t i = 0; i < primary.size(); ++i) {
      uint32_t base = crc32_of(ketama_base(pool.servers[primary[i].server]));
      uint32_t prev = 0;
      for (int j = 0; j < primary[i].weight * 160; ++j) {
        unsigned char bytes[4] = {static_cast<unsigned char>(prev), static_cast<unsigned char>(prev >> 8),
                                  static_cast<unsigned char>(prev >> 16), static_cast<unsigned char>(prev >> 24)};
        uint32_t h = static_cast<uint32_t>(::crc32(base, bytes, 4));
        ring_.push_back({h, i});
        prev = h;
      }
    }
    std::stable_sort(ring_.begin(), ring_.end(), [](const Point& a, const Point& b) { return a.hash < b.hash; });
    // Equal points: the first one keeps the spot.
    ring_.erase(std::unique(ring_.begin(), ring_.end(), [](const Point& a, const Point& b) { return a.hash == b.hash; }),
                ring_.end());
  }
}

Attempt Balancer::start() const {
  Attempt a;
  a.tried_primary.assign(peers_.primary().size(), false);
  a.tried_backup.assign(peers_.backup().size(), false);
  if (balancing_.policy == ir::Balance::ip_hash) a.hash = 89;  // nginx's seed
  return a;
}

std::optional<size_t> Balancer::round_robin(std::vector<Peer>& peers, Tried& tried, int64_t now) {
  std::optional<size_t> best;
  int total = 0;
  for (size_t i = 0; i < peers.size(); ++i) {
    Peer& p = peers[i];
    if (tried[i] || !Peers::available(p, now)) continue;
    p.current_weight += p.effective_weight;
    total += p.effective_weight;
    if (p.effective_weight < p.weight) p.effective_weight++;
    if (!best || p.current_weight > peers[*best].current_weight) best = i;
  }
  if (best) peers[*best].current_weight -= total;
  return best;
}

// HAProxy's weighted round robin (lb_fwrr): with W the total weight, a server of
// weight w is due every W/w positions (the remainder carried); at each position the
// due server with the earliest position wins (the heavier on a tie), and servers not
// placed yet come in one at a time, heaviest first, when none is due.
std::optional<size_t> Balancer::positional_round_robin(std::vector<Peer>& peers, Tried& tried,
                                                       int64_t now, int64_t& position) {
  constexpr int64_t kScale = 16;  // HAProxy's weight scale
  int64_t total = 0;
  for (size_t i = 0; i < peers.size(); ++i)
    if (Peers::available(peers[i], now)) total += int64_t{peers[i].weight} * kScale;
  auto usable = [&](size_t i) { return !tried[i] && Peers::available(peers[i], now); };
  auto earlier = [&](size_t i, size_t j) {  // placed peers: earliest position, then heavier
    if (peers[i].position != peers[j].position) return peers[i].position < peers[j].position;
    return peers[i].weight > peers[j].weight;
  };
  std::optional<size_t> best;
  for (size_t i = 0; i < peers.size(); ++i)
    if (usable(i) && peers[i].position >= 0 && peers[i].position <= position && (!best || earlier(i, *best)))
      best = i;
  if (!best)  // a server not placed yet, heaviest first
    for (size_t i = 0; i < peers.size(); ++i)
      if (usable(i) && peers[i].position < 0 && (!best || peers[i].weight > peers[*best].weight)) best = i;
  if (!best) {  // nothing due yet: the earliest, and the position moves on to it
    for (size_t i = 0; i < peers.size(); ++i)
      if (usable(i) && (!best || earlier(i, *best))) best = i;
    if (!best) return std::nullopt;
    position = std::max(position, peers[*best].position);
  }
  Peer& p = peers[*best];
  const int64_t w = int64_t{p.weight} * kScale;
  if (p.position < 0) p.position = position;
  p.position += total / w;
  p.remainder += total % w;
  if (p.remainder >= w) {
    p.remainder -= w;
    p.position++;
  }
  ++position;
  return best;
}

std::optional<size_t> Balancer::least_conn(std::vector<Peer>& peers, Tried& tried, int64_t now) {
  std::optional<size_t> best;
  bool many = false;
  for (size_t i = 0; i < peers.size(); ++i) {
    const Peer& p = peers[i];
    if (tried[i] || !Peers::available(p, now)) continue;
    // conns/weight compared without division.
    if (!best || int64_t{p.conns} * peers[*best].weight < int64_t{peers[*best].conns} * p.weight) {
      best = i;
      many = false;
    } else if (int64_t{p.conns} * peers[*best].weight == int64_t{peers[*best].conns} * p.weight) {
      many = true;
    }
  }
  if (!best || !many) return best;
  // Ties: smooth weighted round robin among the equally loaded.
  const Peer ref = peers[*best];
  std::optional<size_t> pick;
  int total = 0;
  for (size_t i = *best; i < peers.size(); ++i) {
    Peer& p = peers[i];
    if (tried[i] || !Peers::available(p, now)) continue;
    if (int64_t{p.conns} * ref.weight != int64_t{ref.conns} * p.weight) continue;
    p.current_weight += p.effective_weight;
    total += p.effective_weight;
    if (p.effective_weight < p.weight) p.effective_weight++;
    if (!pick || p.current_weight > peers[*pick].current_weight) pick = i;
  }
  peers[*pick].current_weight -= total;
  return pick;
}

std::optional<size_t> Balancer::ip_hash(const PickInput& in, Attempt& a, int64_t now) {
  auto& peers = peers_.primary();
  if (peers.size() <= 1 || a.tries > kMaxHashTries) return round_robin(peers, a.tried_primary, now);
  // IPv4 hashes its first three octets (a /24 sticks together), IPv6 the whole address.
  unsigned char addr[16] = {};
  size_t len = 3;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, in.client_address.c_str(), &v4) == 1) {
    std::memcpy(addr, &v4, 4);
  } else if (inet_pton(AF_INET6, in.client_address.c_str(), &v6) == 1) {
    std::memcpy(addr, &v6, 16);
    len = 16;
  }
  uint32_t total = static_cast<uint32_t>(peers_.total_weight(false));
  uint32_t hash = a.hash;
  for (;;) {
    for (size_t i = 0; i < len; ++i) hash = (hash * 113 + addr[i]) % 6271;
    size_t p = by_weight(peers, hash % total);
    if (!a.tried_primary[p] && Peers::available(peers[p], now)) {
      a.hash = hash;
      return p;
    }
    if (++a.tries > kMaxHashTries) return round_robin(peers, a.tried_primary, now);
  }
}

std::optional<size_t> Balancer::hash(const PickInput& in, Attempt& a, int64_t now) {
  auto& peers = peers_.primary();
  if (peers.size() <= 1 || a.tries > kMaxHashTries) return round_robin(peers, a.tried_primary, now);
  uint32_t total = static_cast<uint32_t>(peers_.total_weight(false));
  for (;;) {
    // Compatible with Cache::Memcached, as nginx's is: ((crc32([REHASH] KEY) >> 16) & 0x7fff)
    // added to the previous hash.
    std::string input = a.rehash > 0 ? std::to_string(a.rehash) + in.key : in.key;
    a.hash += (crc32_of(input) >> 16) & 0x7fff;
    a.rehash++;
    size_t p = by_weight(peers, a.hash % total);
    if (!a.tried_primary[p] && Peers::available(peers[p], now)) return p;
    if (++a.tries > kMaxHashTries) return round_robin(peers, a.tried_primary, now);
  }
}

std::optional<size_t> Balancer::consistent_hash(const PickInput& in, Attempt& a, int64_t now) {
  auto& peers = peers_.primary();
  if (ring_.empty() || a.tries > kMaxHashTries) return round_robin(peers, a.tried_primary, now);
  if (a.rehash == 0) {  // the first point at or after the key's hash
    uint32_t h = crc32_of(in.key);
    a.hash = static_cast<uint32_t>(std::lower_bound(ring_.begin(), ring_.end(), h,
                                                    [](const Point& p, uint32_t v) { return p.hash < v; }) -
                                   ring_.begin());
    a.rehash = 1;
  }
  for (;;) {
    size_t p = ring_[a.hash % ring_.size()].peer;
    if (!a.tried_primary[p] && Peers::available(peers[p], now)) {
      if (peers[p].effective_weight < peers[p].weight) peers[p].effective_weight++;
      return p;
    }
    a.hash++;
    if (++a.tries > kMaxHashTries) return round_robin(peers, a.tried_primary, now);
  }
}

std::optional<size_t> Balancer::random(std::vector<Peer>& peers, Tried& tried, int64_t now) {
  uint32_t total = 0;
  for (const auto& p : peers) total += static_cast<uint32_t>(p.weight);
  if (total == 0) return std::nullopt;
  std::optional<size_t> prev;
  for (int tries = 0; tries <= kMaxHashTries; ++tries) {
    size_t p = by_weight(peers, random_() % total);
    if (tried[p] || !Peers::available(peers[p], now) || (prev && *prev == p)) continue;
    if (balancing_.choices < 2) return p;
    if (!prev) {
      prev = p;
      continue;
    }
    // Two draws: the one with fewer connections per weight wins (ties: the first).
    const Peer& a = peers[*prev];
    const Peer& b = peers[p];
    return int64_t{b.conns} * a.weight < int64_t{a.conns} * b.weight ? p : *prev;
  }
  if (prev) return prev;
  return round_robin(peers, tried, now);
}

std::optional<size_t> Balancer::first(std::vector<Peer>& peers, Tried& tried, int64_t now) {
  for (size_t i = 0; i < peers.size(); ++i)
    if (!tried[i] && Peers::available(peers[i], now)) return i;
  return std::nullopt;
}

// Caddy's cookie policy: the available server the cookie names, else a random one
// (Caddy 2.6 picks uniformly; its upstreams have no weights), whose value pick()
// has the client sent.
std::optional<size_t> Balancer::cookie(const PickInput& in, std::vector<Peer>& peers, Tried& tried, int64_t now) {
  if (!in.key.empty())
    for (size_t i = 0; i < peers.size(); ++i)
      if (!tried[i] && Peers::available(peers[i], now) && cookie_values_[peers[i].server] == in.key) return i;
  return random(peers, tried, now);
}

// Caddy 2.6's hashing (hostByHashing): of the available servers, the one whose FNV-1a
// 32 of key + dial address is the largest (above zero); no key (a header policy's
// field absent) picks at random, as Caddy does.
std::optional<size_t> Balancer::rendezvous(const PickInput& in, std::vector<Peer>& peers, Tried& tried, int64_t now) {
  if (in.key.empty()) return random(peers, tried, now);
  uint32_t key_hash = 2166136261u;
  for (unsigned char c : in.key) key_hash = (key_hash ^ c) * 16777619u;
  uint32_t highest = 0;
  std::optional<size_t> chosen;
  for (size_t i = 0; i < peers.size(); ++i) {
    if (tried[i] || !Peers::available(peers[i], now)) continue;
    uint32_t h = key_hash;
    for (unsigned char c : dials_[peers[i].server]) h = (h ^ c) * 16777619u;
    if (h > highest) highest = h, chosen = i;
  }
  return chosen;
}

std::optional<size_t> Balancer::by_policy(ir::Balance policy, const PickInput& in, Attempt& a, bool backup,
                                          int64_t now) {
  auto& peers = backup ? peers_.backup() : peers_.primary();
  auto& tried = backup ? a.tried_backup : a.tried_primary;
  if (peers.empty()) return std::nullopt;
  switch (policy) {
    case ir::Balance::least_conn: return least_conn(peers, tried, now);
    case ir::Balance::ip_hash: return backup ? round_robin(peers, tried, now) : ip_hash(in, a, now);
    case ir::Balance::hash:
      if (backup) return round_robin(peers, tried, now);
      if (balancing_.rendezvous) return rendezvous(in, peers, tried, now);
      return balancing_.consistent ? consistent_hash(in, a, now) : hash(in, a, now);
    case ir::Balance::random: return random(peers, tried, now);
    case ir::Balance::first: return first(peers, tried, now);
    case ir::Balance::cookie: return cookie(in, peers, tried, now);
    case ir::Balance::round_robin:
      if (balancing_.weighted_order == ir::WeightedOrder::positional)
        return positional_round_robin(peers, tried, now, position_[backup ? 1 : 0]);
      break;
  }
  return round_robin(peers, tried, now);
}

std::optional<Pick> Balancer::pick(const PickInput& in, Attempt& attempt) {
  int64_t now = clock_();
  for (bool backup : {false, true}) {
    auto p = by_policy(balancing_.policy, in, attempt, backup, now);
    if (!p) continue;
    Pick pick = take(*p, backup, attempt, now);
    if (balancing_.policy == ir::Balance::cookie && cookie_values_[pick.server] != in.key)
      pick.set_cookie = &cookie_values_[pick.server];
    return pick;
  }
  return std::nullopt;
}

std::optional<Pick> Balancer::pick_server(size_t server, Attempt& attempt) {
  const int64_t now = clock_();
  for (bool backup : {false, true}) {
    const auto& peers = backup ? peers_.backup() : peers_.primary();
    const auto& tried = backup ? attempt.tried_backup : attempt.tried_primary;
    for (size_t i = 0; i < peers.size(); ++i) {
      if (peers[i].server != server) continue;
      if (tried[i] || !Peers::available(peers[i], now)) return std::nullopt;
      return take(i, backup, attempt, now);
    }
  }
  return std::nullopt;
}

Pick Balancer::take(size_t i, bool backup, Attempt& attempt, int64_t now) {
  auto& peers = backup ? peers_.backup() : peers_.primary();
  (backup ? attempt.tried_backup : attempt.tried_primary)[i] = true;
  Peers::chosen(peers[i], now);
  return Pick{peers[i].server, backup, i};
}

bool Balancer::any_left(const Attempt& attempt) const {
  int64_t now = clock_();
  for (size_t i = 0; i < peers_.primary().size(); ++i)
    if (!attempt.tried_primary[i] && Peers::available(peers_.primary()[i], now)) return true;
  for (size_t i = 0; i < peers_.backup().size(); ++i)
    if (!attempt.tried_backup[i] && Peers::available(peers_.backup()[i], now)) return true;
  return false;
}

void Balancer::finish(const Pick& pick, bool failed) {
  auto& peers = pick.backup ? peers_.backup() : peers_.primary();
  if (pick.peer < peers.size()) Peers::finished(peers[pick.peer], failed, clock_());
}

}  // namespace pg::runtime
