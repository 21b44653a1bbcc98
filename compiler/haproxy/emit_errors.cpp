// A route's error pages (nginx error_page, Caddy handle_errors) as HAProxy's
// http-error pages of the route's backend: HAProxy sends them for the errors it makes
// itself, whose statuses are its own (503 when no server can be reached, 502 for an
// invalid response, 504 for a server timeout). A page is written where the source gives
// the same status for the same failure; what cannot be is reported.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "haproxy/emit_internal.h"

namespace pg::haproxy::emitter {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The answer an error page gives: status, body (nullopt: the standard page), fields.
struct Answer {
  int status = 0;
  std::optional<std::string> body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> fields;
};

}  // namespace

std::vector<std::string> Emitter::error_lines(const ir::Route& r, const ir::VirtualHost& vh,
                                              std::vector<std::string>& errorfiles) {
  std::vector<std::string> lines;
  const ir::ProxyAction* proxy = r.action.kind == ir::ActionKind::proxy && r.action.proxy ? &*r.action.proxy : nullptr;
  // What each page answers, or why it cannot be written.
  auto answer = [&](const ir::ErrorPage& ep, int code, std::string& why) -> std::optional<Answer> {
    auto name = literal_text(ep.target);
    const ir::Route* target = nullptr;
    if (ep.target_kind == ir::ErrorTarget::named_route && name)
      for (const auto& n : vh.named_routes)
        if (n.name == *name) target = &n;
    if (!target || !target->rewrites.empty() || !target->access.empty() ||
        target->action.kind != ir::ActionKind::respond || !target->action.respond) {
      why = ep.target_kind == ir::ErrorTarget::uri        ? "another URI"
            : ep.target_kind == ir::ErrorTarget::redirect ? "a redirect"
                                                          : "a route that does more than answer";
      return std::nullopt;
    }
    const ir::RespondAction& resp = *target->action.respond;
    Answer a;
    a.status = ep.status_mode == ir::ErrorStatus::keep  ? code
               : ep.status_mode == ir::ErrorStatus::set ? ep.status
                                                        : resp.status;
    if (resp.body) {
      auto text = literal_text(*resp.body);
      if (!text) {
        why = "a body with variables";
        return std::nullopt;
      }
      a.body = *text;
    }
    a.content_type = target->default_type.empty() ? "text/plain" : target->default_type;
    for (const auto& op : target->response_headers) {
      auto v = literal_text(op.value);
      bool setting = op.op == ir::HeaderOpKind::set || op.op == ir::HeaderOpKind::add;
      if (!setting || !v || v->find('%') != std::string::npos) {
        why = fmt::format("the response header operation on '{}'", op.name);
        return std::nullopt;
      }
      if (lower(op.name) == "content-type") a.content_type = *v;
      else a.fields.emplace_back(op.name, *v);
    }
    return a;
  };

  // The failures HAProxy answers itself while proxying, with the source's status for each.
  struct Failure {
    int haproxy;
    int source;
    const char* what;
  };
  std::vector<Failure> failures;
  if (proxy)
    failures = {{503, proxy->connect_error_status, "a server that cannot be reached"},
                {502, 502, "an invalid server response"},
                {504, 504, "a server timeout"}};
  auto add_line = [&](int status, const Answer& a) {
    if (!a.body) return;  // the standard page: the product's pages say it
    std::string line = fmt::format("http-error status {}", status);
    // HAProxy refuses an empty string: an empty body is no payload.
    if (!a.body->empty()) line += fmt::format(" content-type {} string {}", word(a.content_type), word(*a.body));
    for (const auto& [n, v] : a.fields) line += fmt::format(" hdr {} {}", word(n), word(v));
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
    own_pages_.insert(status);
  };
  // Per page: the failures it answers that HAProxy answers otherwise.
  std::map<const ir::ErrorPage*, std::vector<std::string>> lost;
  std::map<const ir::ErrorPage*, std::string> unwritable;
  std::set<const ir::ErrorPage*> used;
  for (const auto& f : failures) {
    auto ep = std::find_if(r.error_pages.begin(), r.error_pages.end(), [&](const ir::ErrorPage& e) {
      return std::find(e.codes.begin(), e.codes.end(), f.source) != e.codes.end();
    });
    if (ep == r.error_pages.end()) continue;
    used.insert(&*ep);
    auto target = literal_text(ep->target);
    if (ep->target_kind == ir::ErrorTarget::named_route && target && target->rfind("errorfile ", 0) == 0) continue;
    std::string why;
    auto a = answer(*ep, f.source, why);
    if (!a) {
      unwritable[&*ep] = why;
      continue;
    }
    if (a->status != f.haproxy) {
      lost[&*ep].push_back(fmt::format("{} ({} where the page answers {})", f.what, f.haproxy, a->status));
      continue;
    }
    add_line(f.haproxy, *a);
  }
  for (const auto& ep : r.error_pages) {
    // HAProxy's own errorfiles come back as named routes "errorfile CODE FILE".
    auto target = literal_text(ep.target);
    if (ep.target_kind == ir::ErrorTarget::named_route && target && target->rfind("errorfile ", 0) == 0) {
      if (std::find(errorfiles.begin(), errorfiles.end(), *target) == errorfiles.end()) errorfiles.push_back(*target);
      continue;
    }
    // Other statuses HAProxy can answer itself (403 for a deny): the page when it keeps them.
    static const int settable[] = {400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504};
    std::vector<std::string> other;
    for (int code : ep.codes) {
      if (std::any_of(failures.begin(), failures.end(), [&](const Failure& f) { return f.source == code; })) continue;
      std::string ignored;
      auto a = proxy ? answer(ep, code, ignored) : std::nullopt;
      if (a && a->status == code && std::find(std::begin(settable), std::end(settable), code) != std::end(settable)) {
        used.insert(&ep);
        add_line(code, *a);
      } else {
        other.push_back(std::to_string(code));
      }
    }
    if (!proxy || !used.count(&ep)) {
      warn(ep.loc, "haproxy sends error pages for the errors it makes while proxying only; this page is left out and "
                   "haproxy's own page is sent");
      continue;
    }
    if (auto it = unwritable.find(&ep); it != unwritable.end()) {
      warn(ep.loc, fmt::format("haproxy's http-error cannot send this error page ({}); haproxy's own page is sent",
                               it->second));
      continue;
    }
    std::vector<std::string> parts = lost[&ep];
    if (!other.empty()) parts.push_back(fmt::format("the errors the source answers with {}", fmt::join(other, ", ")));
    if (!parts.empty())
      warn(ep.loc, fmt::format("haproxy answers {} with its own status and page, not this error page's",
                               fmt::join(parts, ", ")));
  }
  return lines;
}

}  // namespace pg::haproxy::emitter
