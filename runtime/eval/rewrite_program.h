// Running a rewrite program (nginx's rewrite phase: rewrite and return, in order) on a
// request: it may change the path and query, answer, or ask for the route to be
// selected again. Regexes compiled once per configuration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "eval/evaluator.h"
#include "ir/ir.h"
#include "ir/regex.h"

namespace pg::runtime {

struct RewriteResult {
  enum class Kind {
    proceed,   // nothing diverted: use the current route
    reselect,  // the path changed (`last`, or a plain rewrite): select the route again
    respond,   // answer with `status` and, when `has_body`, `body`
    redirect,  // answer with `status` and Location: `location`
  };
  Kind kind = Kind::proceed;
  int status = 0;
  std::string body;
  bool has_body = false;
  std::string location;
};

class RewriteProgram {
 public:
  explicit RewriteProgram(const std::vector<ir::RewriteStep>& steps);
  // The caller bounds re-selection (nginx gives up after 10 cycles with a 500).
  RewriteResult run(ir::RequestView& request, const Evaluator& eval) const;

 private:
  const std::vector<ir::RewriteStep>& steps_;
  std::vector<std::unique_ptr<ir::Regex>> regexes_;  // per step; null for return steps
};

}  // namespace pg::runtime
