// Whether two IRs do the same thing: the equivalence `proxyglot diff` reports, and
// translation and the conformance suite rely on.
//
// Ignored: source locations, the names of pools (a route's pool is compared by its
// content) and of routes, the order of servers in a pool, of listeners, of virtual
// hosts and of header operations on different fields, pools no route uses, the
// source dialect, globals (process settings) and logging; and what cannot change
// behaviour (docs/cli.md lists it: unreachable routes, superseded header operations,
// removals of hop-by-hop fields...). Everything else - route order included, since the
// first match wins - must be equal.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace pg::ir {

struct Difference {
  SourceLoc a;          // the nearest located element on each side
  SourceLoc b;
  std::string what;     // "virtual host example.com on 0.0.0.0:80, route 2: action.proxy.timeouts.read_ms"
  std::string a_value;  // empty when the element exists only in B
  std::string b_value;  // empty when the element exists only in A
};

std::vector<Difference> compare(const Config& a, const Config& b);

using DifferenceSink = std::function<void(Difference&&)>;

// Side A of a comparison, normalised before side B exists: translate prepares the
// source on another thread while it emits the target and reads it back. `a` must
// outlive it.
class Prepared {
 public:
  explicit Prepared(const Config& a);
  Prepared(Prepared&&) noexcept;
  Prepared& operator=(Prepared&&) noexcept;
  ~Prepared();

 private:
  struct Side;
  std::unique_ptr<Side> side_;
  friend std::vector<Difference> compare(Prepared a, const Config& b);
  friend std::vector<Difference> compare(const Config& a, const Config& b);
  friend void compare(Prepared a, const Config& b, const DifferenceSink& sink);
};

// The same as compare(a, b), with `a` prepared.
std::vector<Difference> compare(Prepared a, const Config& b);

// The same comparison with each difference handed to `sink` as soon as its turn in
// compare()'s order comes, none kept: a large translation finds hundreds of thousands
// of differences, and holding them all was a third of its memory. `sink` is called on
// the calling thread only.
void compare(Prepared a, const Config& b, const DifferenceSink& sink);

// Whether a template can evaluate to the empty string (HeaderOp.omit_empty matters):
// false when a part is a non-empty literal or a value every request has (the Host
// field counts as one: HTTP/1.1 requires it).
bool may_be_empty(const Template& t);

// A route answering with its own literal body that sets Content-Type, Content-Length or
// Connection: close to literal values (HAProxy errorfiles) says them as the route's
// default_type, the body's own length and no keep-alive (limits.keepalive_timeout_ms
// 0): those operations are removed, the fields set. compare() and the nginx emitter
// use this shape.
void fold_own_response_fields(Route& r);

// The conditions of an all(...) without the path tests another one implies (nginx's
// nested locations: all(prefix /v1/, not prefix /v1/auth/, exact /v1/uploads) is the
// exact path): a prefix a longer path test starts with, and "not prefix B" beside a
// path test that never starts with B. Case-sensitive tests only.
void drop_implied_path_tests(std::vector<Matcher>& conditions);

// One line per difference: "A:12: WHAT VALUE vs B:9: VALUE", or "A:12: WHAT only in A".
std::string format_differences(const std::vector<Difference>& diffs);

}  // namespace pg::ir
