// Handler directives of site, handle and route blocks (except reverse_proxy), and the
// site options tls and log.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "caddy/handlers.h"
#include "caddy/header_ops.h"
#include "caddy/matchers.h"
#include "caddy/values.h"

namespace pg::caddy::handlers {

namespace {

Item& new_item(Lowerer& l, const Call& c) {
  Item it;
  it.directive = c.node.name();
  it.loc = c.node.loc;
  it.label = c.matcher_text.empty() ? it.directive : it.directive + " " + c.matcher_text;
  it.match = c.match;
  it.has_matcher = c.has_matcher;
  it.first_path_len = c.first_path_len;
  l.items->push_back(std::move(it));
  return l.items->back();
}

ir::Template value(Lowerer& l, const Word& w) {
  std::string err;
  if (!l.in_error_routes) {
    ir::Template t = parse_template(w.value, &err);
    if (!err.empty()) l.error(w.loc, err);
    return t;
  }
  // In handle_errors, {err.status_code} (Caddy: {http.error.status_code}) is the status
  // of the error being handled: the IR's `status` while an error page is answered.
  ir::Template t;
  auto append = [&](std::string_view text) {
    for (auto& p : parse_template(text, &err).parts) {
      if (p.var == ir::Var::literal && !t.parts.empty() && t.parts.back().var == ir::Var::literal)
        t.parts.back().value += p.value;
      else
        t.parts.push_back(std::move(p));
    }
  };
  std::string_view rest = w.value;
  for (;;) {
    size_t at = std::string_view::npos, len = 0;
    for (std::string_view needle : {std::string_view("{err.status_code}"), std::string_view("{http.error.status_code}")})
      if (size_t f = rest.find(needle); f < at) {
        at = f;
        len = needle.size();
      }
    if (at == std::string_view::npos) break;
    append(rest.substr(0, at));
    t.parts.push_back({ir::Var::status, ""});
    rest.remove_prefix(at + len);
  }
  append(rest);
  if (!err.empty()) l.error(w.loc, err);
  return t;
}

ir::TemplatePart capture(int n) { return {ir::Var::regex_capture, std::to_string(n)}; }

ir::RewriteStep step(const Call& c, std::string regex, ir::Template replacement, bool append_query) {
  ir::RewriteStep s;
  s.loc = c.node.loc;
  s.regex = std::move(regex);
  s.replacement = std::move(replacement);
  s.append_query = append_query;
  return s;
}

// The path condition of a rewrite's matcher, as the step's regex.
std::optional<std::string> rewrite_regex(Lowerer& l, const Call& c) {
  auto r = path_regex_of(c.match);
  if (!r) l.error(c.node.loc, fmt::format("{} with a matcher that tests more than the path is not supported by proxyglot yet", c.node.name()));
  return r;
}

void block_item(Lowerer& l, const Call& c, bool keep_order, std::vector<ir::RewriteStep> rewrites) {
  Item& it = new_item(l, c);
  it.block = true;
  it.keep_order = keep_order;
  it.rewrites = std::move(rewrites);
  std::vector<Item>* outer = l.items;
  std::vector<Item> children;
  l.items = &children;
  l.matcher_scopes.emplace_back();
  l.walk(c.node.block, kRoute);
  l.matcher_scopes.pop_back();
  l.items = outer;
  l.items->back().children = std::move(children);  // `it` may have moved meanwhile
}

}  // namespace

void header(Lowerer& l, const Call& c) {
  Item& it = new_item(l, c);
  if (c.node.has_block) {
    if (!c.args.empty()) {
      l.error(c.args[0].loc, fmt::format("Unexpected token '{}' before a header block", c.args[0].value));
      return;
    }
    std::vector<ir::HeaderOp> ops;
    l.header_block = &ops;
    l.walk(c.node.block, kHeader);
    l.header_block = nullptr;
    l.items->back().response_headers = std::move(ops);
    return;
  }
  if (c.args.empty()) return;  // `header` alone sets nothing, as in Caddy
  if (auto op = header_op(l, c.args, c.node.loc)) it.response_headers.push_back(std::move(*op));
}

void header_line(Lowerer& l, const Call& c) {
  const auto& words = c.node.words;
  if (l.health_headers) {
    if (words.size() < 2) {
      l.arity_error(c.node);
      return;
    }
    for (size_t i = 1; i < words.size(); ++i) l.health_headers->emplace_back(words[0].value, words[i].value);
    return;
  }
  if (words.size() == 1 && words[0].value == "defer") return;  // IR response headers apply after the handler
  if (auto op = header_op(l, words, c.node.loc)) l.header_block->push_back(std::move(*op));
}

void request_header(Lowerer& l, const Call& c) {
  Item& it = new_item(l, c);
  if (auto op = header_op(l, c.args, c.node.loc)) it.request_headers.push_back(std::move(*op));
}

void redir(Lowerer& l, const Call& c) {
  int status = 302;
  if (c.args.size() == 2) {
    const std::string& code = c.args[1].value;
    if (code == "permanent") status = 301;
    else if (code == "temporary") status = 302;
    else if (code == "html") {
      l.error(c.args[1].loc, "redir html is not supported by proxyglot yet");
      return;
    } else if (auto n = parse_int(code); n && *n >= 300 && *n <= 308) status = *n;
    else {
      l.error(c.args[1].loc, fmt::format("Not a supported redir code type or not valid integer: '{}'", code));
      return;
    }
  }
  Item& it = new_item(l, c);
  ir::Action a;
  a.kind = ir::ActionKind::redirect;
  a.redirect = ir::RedirectAction{status, value(l, c.args[0])};
  it.action = std::move(a);
  l.site->has_redir = true;
}

void rewrite(Lowerer& l, const Call& c) {
  auto regex = rewrite_regex(l, c);
  if (!regex) return;
  const std::string& to = c.args[0].value;
  ir::Template replacement;
  bool append_query = to.find('?') == std::string::npos;
  if (!to.empty() && to[0] == '?') replacement.parts.push_back({ir::Var::path, ""});  // only the query changes
  for (auto& p : value(l, c.args[0]).parts) replacement.parts.push_back(std::move(p));
  Item& it = new_item(l, c);
  it.match.reset();  // the condition is the step's regex
  it.has_matcher = false;
  it.rewrites.push_back(step(c, *regex, std::move(replacement), append_query));
}

void uri(Lowerer& l, const Call& c) {
  if (c.has_matcher) {
    l.error(c.node.loc, "uri with a matcher is not supported by proxyglot yet");
    return;
  }
  const std::string& op = c.args[0].value;
  ir::RewriteStep s;
  if (op == "strip_prefix" && c.args.size() == 2) {
    std::string prefix = c.args[1].value;
    if (prefix.empty() || prefix[0] != '/') prefix = "/" + prefix;
    s = step(c, "^" + regex_escape(prefix) + "/?(.*)$", ir::Template{{{ir::Var::literal, "/"}, capture(1)}}, true);
  } else if (op == "strip_suffix" && c.args.size() == 2) {
    s = step(c, "^(.*)" + regex_escape(c.args[1].value) + "$", ir::Template{{capture(1)}}, true);
  } else if (op == "replace" && (c.args.size() == 3 || c.args.size() == 4)) {
    if (c.args.size() != 4 || c.args[3].value != "1")
      l.diags.warning(c.node.loc, "uri replace: proxyglot replaces the first occurrence only (give a limit of 1 to say so)");
    ir::Template t{{capture(1)}};
    for (auto& p : value(l, c.args[2]).parts) t.parts.push_back(std::move(p));
    t.parts.push_back(capture(2));
    s = step(c, "^(.*?)" + regex_escape(c.args[1].value) + "(.*)$", std::move(t), true);
  } else if (op == "path_regexp") {
    l.error(c.args[0].loc, "uri path_regexp is not supported by proxyglot yet");
    return;
  } else if (op == "strip_prefix" || op == "strip_suffix" || op == "replace") {
    l.arity_error(c.node);
    return;
  } else {
    l.error(c.args[0].loc, fmt::format("unrecognized URI manipulation '{}'", op));
    return;
  }
  new_item(l, c).rewrites.push_back(std::move(s));
}

void handle(Lowerer& l, const Call& c) { block_item(l, c, false, {}); }

void handle_path(Lowerer& l, const Call& c) {
  if (c.matcher_text.empty() || c.matcher_text[0] != '/') {
    l.error(c.node.loc, "handle_path needs a path matcher such as /prefix/*");
    return;
  }
  // Caddy strips the matcher's path without its trailing "*" and "/": /api/* strips /api.
  std::string prefix = c.matcher_text;
  if (prefix.back() == '*') prefix.pop_back();
  if (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  auto s = step(c, "^" + regex_escape(prefix) + "/?(.*)$", ir::Template{{{ir::Var::literal, "/"}, capture(1)}}, true);
  block_item(l, c, false, {std::move(s)});
}

void route(Lowerer& l, const Call& c) { block_item(l, c, true, {}); }

// handle_errors { }: a route list of its own, run for the errors the site's handlers
// produce; compiled into named routes and error pages (compile_error_routes).
void handle_errors(Lowerer& l, const Call& c) {
  std::vector<Item>* outer = l.items;
  l.items = &l.site->error_items;
  l.in_error_routes = true;
  l.matcher_scopes.emplace_back();
  l.walk(c.node.block, kRoute);
  l.matcher_scopes.pop_back();
  l.in_error_routes = false;
  l.items = outer;
}

void respond(Lowerer& l, const Call& c) {
  if (c.node.has_block) {
    l.error(c.node.loc, "respond with a block (close) is not supported by proxyglot yet");
    return;
  }
  ir::RespondAction r;
  r.status = 200;
  r.body = ir::Template{};
  auto status_of = [&](const Word& w) -> std::optional<int> {
    auto n = parse_int(w.value);
    if (w.value.size() == 3 && n && *n >= 100 && *n <= 999) return n;
    return std::nullopt;
  };
  if (c.args.size() == 1) {
    if (auto s = status_of(c.args[0])) r.status = *s;  // quoted or not, as Caddy
    else r.body = value(l, c.args[0]);
  } else if (c.args.size() == 2) {
    r.body = value(l, c.args[0]);
    auto s = status_of(c.args[1]);
    if (!s) {
      l.error(c.args[1].loc, fmt::format("bad status value '{}'", c.args[1].value));
      return;
    }
    r.status = *s;
  }
  // In handle_errors, a respond without a status answers with the error's (caddy run).
  bool status_given = c.args.size() == 2 || (c.args.size() == 1 && status_of(c.args[0]));
  ir::Action a;
  a.kind = ir::ActionKind::respond;
  a.respond = std::move(r);
  Item& it = new_item(l, c);
  it.action = std::move(a);
  it.keeps_error_status = l.in_error_routes && !status_given;
}

void error(Lowerer& l, const Call& c) {
  if (l.in_error_routes) {
    l.error(c.node.loc, "error inside handle_errors is not supported by proxyglot yet");
    return;
  }
  ir::RespondAction r;
  r.status = 500;
  r.body = ir::Template{};
  auto status = [&](const Word& w) -> bool {
    auto n = parse_int(w.value);
    if (w.value.size() != 3 || !n || *n < 100) return false;
    r.status = *n;
    return true;
  };
  if (c.args.size() == 1) status(c.args[0]);  // else a message: logged by Caddy, not sent
  if (c.args.size() == 2 && !status(c.args[1])) {
    l.error(c.args[1].loc, fmt::format("bad status value '{}'", c.args[1].value));
    return;
  }
  ir::Action a;
  a.kind = ir::ActionKind::respond;
  a.respond = std::move(r);
  new_item(l, c).action = std::move(a);
}

void request_body(Lowerer& l, const Call& c) {
  Item& it = new_item(l, c);
  l.body_item = &it;
  l.walk(c.node.block, kBody);
  l.body_item = nullptr;
}

void max_size(Lowerer& l, const Call& c) {
  auto n = parse_size(c.args[0].value);
  if (!n) {
    l.error(c.args[0].loc, fmt::format("parsing max_size: unhandled size name: {}", c.args[0].value));
    return;
  }
  l.body_item->max_body_bytes = *n;
}

void tls(Lowerer& l, const Call& c) {
  Site& s = *l.site;
  if (!s.tls) s.tls = ir::TlsSettings{};
  if (c.args.size() == 2) {
    s.tls->certificates.push_back(ir::Certificate{c.node.loc, c.args[0].value, c.args[1].value});
  } else if (c.args.size() == 1) {
    if (c.args[0].value == "internal" || c.args[0].value.find('@') != std::string::npos) s.tls_internal = true;
    else {
      l.arity_error(c.node);
      return;
    }
  }
  if (c.node.has_block) {
    l.tls_block = &*s.tls;
    l.walk(c.node.block, kTls);
    l.tls_block = nullptr;
  }
}

void bind(Lowerer& l, const Call& c) {
  for (const auto& a : c.args) {
    std::string host = a.value;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty() || host.find_first_of("/{") != std::string::npos || host.rfind("unix/", 0) == 0) {
      l.error(a.loc, fmt::format("bind address '{}' is not supported by proxyglot yet", a.value));
      continue;
    }
    l.site->binds.push_back(host);
  }
}

void tls_protocols(Lowerer& l, const Call& c) {
  static const std::vector<std::pair<std::string, std::string>> known = {
      {"tls1.2", "TLSv1.2"}, {"tls1.3", "TLSv1.3"}};
  auto index = [&](const Word& w) -> int {
    for (size_t i = 0; i < known.size(); ++i)
      if (known[i].first == w.value) return static_cast<int>(i);
    l.error(w.loc, fmt::format("Wrong protocol name or protocol not supported: '{}'", w.value));
    return -1;
  };
  int lo = index(c.args[0]);
  int hi = c.args.size() == 2 ? index(c.args[1]) : static_cast<int>(known.size()) - 1;
  if (lo < 0 || hi < 0) return;
  l.tls_block->protocols.clear();
  for (int i = lo; i <= hi; ++i) l.tls_block->protocols.push_back(known[static_cast<size_t>(i)].second);
}

void log(Lowerer& l, const Call& c) {
  ir::AccessLog a{c.node.loc, "stderr", "caddy_json"};
  if (c.node.has_block) {
    l.log_block = &a;
    l.walk(c.node.block, kLog);
    l.log_block = nullptr;
  }
  l.site->logs.push_back(std::move(a));
}

void log_output(Lowerer& l, const Call& c) {
  const std::string& kind = c.args[0].value;
  if (c.node.has_block) {
    l.error(c.node.loc, "log output options (roll_size...) are not supported by proxyglot yet");
    return;
  }
  if ((kind == "stdout" || kind == "stderr" || kind == "discard") && c.args.size() == 1) l.log_block->path = kind;
  else if (kind == "file" && c.args.size() == 2) l.log_block->path = c.args[1].value;
  else if (kind == "net") l.error(c.args[0].loc, "log output net is not supported by proxyglot yet");
  else l.error(c.args[0].loc, fmt::format("unrecognized log output '{}'", kind));
}

void log_format(Lowerer& l, const Call& c) {
  const std::string& f = c.args[0].value;
  if (f == "json") l.log_block->format = "caddy_json";
  else if (f == "console") l.log_block->format = "caddy_console";
  else l.error(c.args[0].loc, fmt::format("log format {} is not supported by proxyglot yet", f));
}

void log_level(Lowerer& l, const Call& c) {
  std::string v = c.args[0].value;
  for (auto& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  static const char* const levels[] = {"DEBUG", "INFO", "WARN", "ERROR", "PANIC", "FATAL"};
  if (std::find(std::begin(levels), std::end(levels), v) == std::end(levels)) {
    l.error(c.args[0].loc, fmt::format("unrecognized log level '{}'", c.args[0].value));
    return;
  }
  if (l.log_level) {  // the global log: Caddy's levels onto the IR's (nginx's) names
    *l.log_level = v == "WARN" ? "warn" : v == "PANIC" ? "alert" : v == "FATAL" ? "emerg" : v == "DEBUG" ? "debug" : v == "ERROR" ? "error" : "info";
    return;
  }
  if (v != "INFO" && v != "DEBUG")
    l.diags.warning(c.args[0].loc, fmt::format("log level {}: access logs record every request in proxyglot", v));
}

}  // namespace pg::caddy::handlers
