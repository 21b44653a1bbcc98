// The rewrite module's `return` and `rewrite`: steps of the server's or the
// location's rewrite program, run in order.
#include <fmt/format.h>

#include "nginx/handlers.h"
#include "nginx/values.h"

namespace pg::nginx::handlers {

namespace {

std::vector<ir::RewriteStep>& program(Lowerer& l) {
  Frame& f = l.frame();
  return f.location ? f.location->rewrites : f.server->rewrites;
}

bool is_absolute(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("$scheme", 0) == 0;
}

bool is_redirect_code(int c) { return c == 301 || c == 302 || c == 303 || c == 307 || c == 308; }

}  // namespace

void return_(Lowerer& l, const Directive& d) {
  ir::RewriteStep step;
  step.loc = report_loc(d);
  auto code = parse_int(d.args[0].value);
  if (!code) {
    if (d.args.size() == 1 && is_absolute(d.args[0].value)) {  // return URL: a 302
      auto url = l.tmpl(d, 0);
      if (!url) return;
      step.kind = ir::RewriteKind::redirect;
      step.status = 302;
      step.replacement = std::move(*url);
      step.flag = ir::RewriteFlag::redirect;
      program(l).push_back(std::move(step));
      return;
    }
    return l.arg_error(d, 0, fmt::format("invalid return code \"{}\"", d.args[0].value));
  }
  if (*code > 999) return l.arg_error(d, 0, fmt::format("invalid return code \"{}\"", d.args[0].value));
  step.status = *code;
  step.flag = ir::RewriteFlag::redirect;
  if (d.args.size() == 2) {
    auto text = l.tmpl(d, 1);
    if (!text) return;
    step.replacement = std::move(*text);
  }
  if (is_redirect_code(*code) && d.args.size() == 2) {
    step.kind = ir::RewriteKind::redirect;
  } else {
    step.kind = ir::RewriteKind::respond;
    step.has_body = d.args.size() == 2;
  }
  program(l).push_back(std::move(step));
}

void rewrite(Lowerer& l, const Directive& d) {
  ir::RewriteStep step;
  step.loc = report_loc(d);
  step.regex = d.args[0].value;
  if (!l.check_regex(d, 0, step.regex, false)) return;
  collect_captures(step.regex, l.names().captures);
  std::string replacement = d.args[1].value;
  if (d.args.size() == 3) {
    const std::string& f = d.args[2].value;
    if (f == "last") step.flag = ir::RewriteFlag::last;
    else if (f == "break") step.flag = ir::RewriteFlag::break_;
    else if (f == "redirect") { step.flag = ir::RewriteFlag::redirect; step.status = 302; }
    else if (f == "permanent") { step.flag = ir::RewriteFlag::redirect; step.status = 301; }
    else return l.arg_error(d, 2, fmt::format("invalid parameter \"{}\"", f));
  }
  // An absolute replacement always answers with a redirect (302 unless permanent).
  if (is_absolute(replacement) && step.flag != ir::RewriteFlag::redirect) {
    step.flag = ir::RewriteFlag::redirect;
    step.status = 302;
  }
  // A trailing '?' keeps the original query from being appended.
  if (!replacement.empty() && replacement.back() == '?') {
    step.append_query = false;
    replacement.pop_back();
  }
  auto t = l.tmpl(replacement, l.arg_loc(d, 1));
  if (!t) return;
  step.replacement = std::move(*t);
  program(l).push_back(std::move(step));
}

}  // namespace pg::nginx::handlers
