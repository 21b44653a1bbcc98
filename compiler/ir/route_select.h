// Evaluating the IR's ordered routes for a request: which route answers it. This is
// the one definition of the matcher semantics; the conformance-free unit tests use it
// to show nginx's precedence rules, and the runtime's router is built on it.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ir/ir.h"
#include "ir/regex.h"
#include "ir/request_view.h"

namespace pg::ir {

class RouteSelector {
 public:
  // Compiles every regex in `vhost`'s routes once. Throws std::runtime_error on a
  // regex PCRE2 rejects (front ends validate regexes, so this is a bug).
  // `jit`: the regexes compiled to machine code (Regex::jit), for serving.
  explicit RouteSelector(const VirtualHost& vhost, bool jit = false);
  ~RouteSelector();
  RouteSelector(const RouteSelector&) = delete;
  RouteSelector& operator=(const RouteSelector&) = delete;

  // Index into vhost.routes of the first route that matches and is not internal,
  // or -1 (the virtual host's fallback answers).
  int select(const RequestView& request) const;
  // The same for an internal redirect (error_page, rewrite): internal routes count.
  int select_internal(const RequestView& request) const;
  // After `route` was selected: the captures of its own path regex ($1.., named
  // groups) into `request`, as nginx sets them from the location's regex.
  void capture(int route, RequestView& request) const;
  bool matches(const Matcher& m, const RequestView& request) const;

 private:
  const Regex& regex(const Predicate& p) const;

  const VirtualHost& vhost_;
  std::unordered_map<std::string, std::unique_ptr<Regex>> regexes_;  // by pattern and case
  std::unordered_map<const Predicate*, const Regex*> by_predicate_;
};

// CIDR ("10.0.0.0/8", "::1", "all") containment of an address.
bool cidr_contains(const std::string& cidr, const std::string& address);

}  // namespace pg::ir
