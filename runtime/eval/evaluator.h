// Evaluating the IR's value templates for one request: variables, maps, captures.
// Built once per configuration snapshot (regexes compiled, map tables indexed); const
// and shareable across worker threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/regex.h"
#include "ir/ir.h"
#include "ir/request_view.h"

namespace pg::runtime {

class Evaluator {
 public:
  explicit Evaluator(const ir::Config& config);
  ~Evaluator();

  // The template's value for `request`. A map whose regex matches sets the request's
  // captures, as nginx's does.
  std::string eval(const ir::Template& t, ir::RequestView& request) const;

  // The first value of a request header (Cookie and X-Forwarded-For lines joined, as
  // nginx 1.22 joins them), "" when absent.
  // One part's value (the access log escapes each variable's value on its own).
  std::string eval_part(const ir::TemplatePart& part, ir::RequestView& request) const;

  static std::string header(const ir::RequestView& request, const std::string& name);
  static std::string cookie(const ir::RequestView& request, const std::string& name);
  static std::string query_arg(const ir::RequestView& request, const std::string& name);

 private:
  struct MapTable;
  std::string map_value(const std::string& name, ir::RequestView& request, int depth) const;
  std::string eval(const ir::Template& t, ir::RequestView& request, int depth) const;
  void append(std::string& out, const ir::TemplatePart& part, ir::RequestView& request, int depth) const;
  // The values known only after the response (request.outcome): eval/outcome_values.cpp.
  static void append_outcome(std::string& out, const ir::TemplatePart& part, const ir::RequestView& request);

  std::map<std::string, std::unique_ptr<MapTable>> maps_;
};

}  // namespace pg::runtime
