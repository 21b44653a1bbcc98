#include "eval/rewrite_program.h"

namespace pg::runtime {

RewriteProgram::RewriteProgram(const std::vector<ir::RewriteStep>& steps) : steps_(steps) {
  for (const auto& s : steps)
    regexes_.push_back(s.kind == ir::RewriteKind::rewrite ? std::make_unique<ir::Regex>(s.regex, false) : nullptr);
}

RewriteResult RewriteProgram::run(ir::RequestView& r, const Evaluator& eval) const {
  RewriteResult result;
  bool changed = false;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const ir::RewriteStep& step = steps_[i];
    if (step.kind == ir::RewriteKind::respond) {
      result.kind = RewriteResult::Kind::respond;
      result.status = step.status;
      result.has_body = step.has_body;
      if (step.has_body) result.body = eval.eval(step.replacement, r);
      return result;
    }
    if (step.kind == ir::RewriteKind::redirect) {
      result.kind = RewriteResult::Kind::redirect;
      result.status = step.status;
      result.location = eval.eval(step.replacement, r);
      return result;
    }
    if (!regexes_[i]->match(r.path, r.captures, r.named_captures)) continue;
    std::string target = eval.eval(step.replacement, r);
    // "new?args": the replacement's query comes first, the original one after it.
    std::string path = target, query = r.query;
    if (auto q = target.find('?'); q != std::string::npos) {
      path = target.substr(0, q);
      std::string added = target.substr(q + 1);
      query = step.append_query && !r.query.empty() ? added + "&" + r.query : added;
    } else if (!step.append_query) {
      query.clear();
    }
    if (step.flag == ir::RewriteFlag::redirect) {
      result.kind = RewriteResult::Kind::redirect;
      result.status = step.status;
      result.location = query.empty() ? path : path + "?" + query;
      return result;
    }
    changed = changed || path != r.path;
    r.path = path;
    r.query = query;
    if (step.flag == ir::RewriteFlag::last) {
      result.kind = RewriteResult::Kind::reselect;
      return result;
    }
    if (step.flag == ir::RewriteFlag::break_) return result;
  }
  if (changed) result.kind = RewriteResult::Kind::reselect;
  return result;
}

}  // namespace pg::runtime
