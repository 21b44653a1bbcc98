// The frontend side of a proxy: binds, ACLs, backend switching, http-request and
// http-response rules.
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "haproxy/acl.h"
#include "haproxy/handlers.h"
#include "haproxy/log_format.h"
#include "haproxy/values.h"
#include "ir/text.h"

namespace pg::haproxy::handlers {

namespace {

std::string join_words(const Line& l, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < l.words.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += l.words[i].value;
  }
  return out;
}

// The index of the first "if"/"unless" at or after `from`, or the line's size.
size_t condition_start(const Line& l, size_t from) {
  for (size_t i = from; i < l.words.size(); ++i)
    if (l.words[i].value == "if" || l.words[i].value == "unless") return i;
  return l.words.size();
}

}  // namespace

void bind(Lowerer& lw, const Line& l, size_t a) {
  std::vector<Bind> binds;
  // "addr1,addr2" binds several addresses with the same options.
  std::string list = l.words[a].value;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string one = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    Address addr = parse_address(one);
    if (!addr.error.empty()) {
      lw.error(l.words[a].loc, fmt::format("'bind' : {}", addr.error));
      return;
    }
    if (!addr.unix_socket && !addr.has_port) {
      lw.error(l.words[a].loc, fmt::format("bind '{}' : missing port number: '{}'", l.words[a].value, one));
      return;
    }
    Bind b;
    b.loc = l.words[a].loc;
    b.host = addr.host;
    b.port = addr.port;
    binds.push_back(b);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  bool ssl = false;
  std::vector<std::string> crts, alpn;
  for (size_t i = a + 1; i < l.words.size(); ++i) {
    const std::string& w = l.words[i].value;
    bool has_next = i + 1 < l.words.size();
    if (w == "ssl") ssl = true;
    else if (w == "crt" && has_next) crts.push_back(l.words[++i].value);
    else if (w == "alpn" && has_next) {
      std::string v = l.words[++i].value;
      size_t s = 0;
      while (s <= v.size()) {
        size_t c = v.find(',', s);
        alpn.push_back(v.substr(s, c == std::string::npos ? std::string::npos : c - s));
        if (c == std::string::npos) break;
        s = c + 1;
      }
    } else if (w == "name" && has_next) {
      ++i;  // a label for stats and logs
    } else {
      lw.error(l.words[i].loc, fmt::format("bind option '{}' is not supported by proxyglot yet", w));
      return;
    }
  }
  if (ssl && crts.empty()) {
    lw.error(l.loc, fmt::format("bind '{}' : 'ssl' needs a certificate ('crt')", l.words[a].value));
    return;
  }
  if (!ssl && !crts.empty()) {
    lw.warning(l.loc, fmt::format("bind '{}' : 'crt' without 'ssl' is ignored", l.words[a].value));
    crts.clear();
  }
  for (auto& b : binds) {
    b.ssl = ssl;
    b.crts = crts;
    b.alpn = alpn;
    lw.proxy().binds.push_back(b);
  }
}

namespace {

// `req.body_size gt|ge N` at words[i]: the largest body size that passes.
std::optional<int64_t> body_size_test(Lowerer& lw, const Line& l, size_t i, size_t end) {
  if (end != i + 3 || (l.words[i + 1].value != "gt" && l.words[i + 1].value != "ge")) return std::nullopt;
  auto n = parse_int(l.words[i + 2].value);
  if (!n || *n < 0) {
    lw.error(l.words[i + 2].loc, fmt::format("'req.body_size' expects an integer, got '{}'", l.words[i + 2].value));
    return std::nullopt;
  }
  return l.words[i + 1].value == "gt" ? *n : *n - 1;
}

const char* kBodySizeOnly =
    "'req.body_size' is supported by proxyglot only as 'http-request deny deny_status 413 if { req.body_size gt N }' "
    "(or a named ACL 'req.body_size gt N'), with 'option http-buffer-request': the request body limit";

// `http-request deny deny_status 413 if { req.body_size gt N }` (or `if NAME` of such an
// ACL): the IR's request body limit. True when the line is that shape (handled, maybe with
// an error); false when it does not test the body size at all.
bool body_limit_rule(Lowerer& lw, const Line& l, size_t a) {
  bool tests_body = false;
  for (size_t i = a; i < l.words.size(); ++i) {
    tests_body = tests_body || l.words[i].value == "req.body_size" || lw.proxy().body_size_acls.count(l.words[i].value);
  }
  if (!tests_body) return false;
  size_t c = condition_start(l, a);
  int status = 403;
  for (size_t i = a; i < c; ++i) {
    if (l.words[i].value == "deny_status" && i + 1 < c) status = static_cast<int>(parse_int(l.words[++i].value).value_or(0));
    else status = -1;
  }
  std::optional<int64_t> limit;
  if (l.words[1].value == "deny" && status == 413 && c + 1 < l.words.size() && l.words[c].value == "if") {
    if (c + 2 == l.words.size()) {
      auto it = lw.proxy().body_size_acls.find(l.words[c + 1].value);
      if (it != lw.proxy().body_size_acls.end()) limit = it->second.bytes;
    } else if (l.words[c + 1].value == "{" && l.words.back().value == "}" && l.words[c + 2].value == "req.body_size") {
      limit = body_size_test(lw, l, c + 2, l.words.size() - 1);
    }
  }
  if (!limit) {
    lw.error(l.loc, kBodySizeOnly);
    return true;
  }
  if (*limit < 1) {
    lw.error(l.loc, "refusing every request body (a limit of 0 bytes) has no IR form: not supported by proxyglot yet");
    return true;
  }
  Proxy& p = lw.proxy();
  if (p.body_limit) {
    lw.error(l.loc, fmt::format("a second request body limit (the first at line {}) is not supported by proxyglot yet",
                                p.body_limit->loc.line));
    return true;
  }
  if (p.terminal_seen) {
    lw.error(l.loc, "a request body limit after a rule that answers is not supported by proxyglot yet (the IR "
                    "checks the body size of every request)");
    return true;
  }
  p.body_limit = BodyLimit{l.loc, *limit};
  return true;
}

}  // namespace

void acl(Lowerer& lw, const Line& l, size_t a) {
  const std::string& name = l.words[a].value;
  if (a + 1 < l.words.size() && l.words[a + 1].value == "req.body_size") {
    auto n = body_size_test(lw, l, a + 1, l.words.size());
    if (!n) {
      lw.error(l.words[a + 1].loc, kBodySizeOnly);
      return;
    }
    if (lw.proxy().acls.count(name) || lw.proxy().body_size_acls.count(name)) {
      lw.error(l.loc, fmt::format("ACL '{}' on 'req.body_size' and other lines is not supported by proxyglot yet", name));
      return;
    }
    lw.proxy().body_size_acls[name] = BodyLimit{l.loc, *n};
    return;
  }
  if (lw.proxy().body_size_acls.count(name)) {
    lw.error(l.loc, fmt::format("ACL '{}' on 'req.body_size' and other lines is not supported by proxyglot yet", name));
    return;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != ':') {
      lw.error(l.words[a].loc, fmt::format("ACL name '{}' contains invalid character '{}'", name, c));
      return;
    }
  }
  auto m = lower_acl(lw, l, a + 1, l.words.size());
  if (!m) return;
  lw.proxy().acls[name].push_back(std::move(*m));
}

void use_backend(Lowerer& lw, const Line& l, size_t a) {
  if (lw.section() == kDefaults) {
    lw.error(l.loc, "'use_backend' not allowed in 'defaults' section");
    return;
  }
  SwitchRule r;
  r.loc = l.loc;
  r.backend = l.words[a].value;
  r.text = join_words(l, 0, l.words.size());
  if (r.backend.find('%') != std::string::npos) {
    lw.error(l.words[a].loc, "dynamic 'use_backend' names (log-format) are not supported by proxyglot yet");
    return;
  }
  size_t c = condition_start(l, a + 1);
  if (c != a + 1) {
    lw.error(l.words[a + 1].loc, fmt::format("'use_backend' expects 'if' or 'unless' after the backend name, got '{}'",
                                             l.words[a + 1].value));
    return;
  }
  if (c < l.words.size()) {
    auto m = lower_condition(lw, l, c);
    if (!m) return;
    r.condition = std::move(*m);
  }
  lw.proxy().switching.push_back(std::move(r));
}

void default_backend(Lowerer& lw, const Line& l, size_t a) {
  if (lw.section() == kDefaults) {
    lw.error(l.loc, "'default_backend' in a 'defaults' section is not supported by proxyglot yet");
    return;
  }
  SwitchRule r;
  r.loc = l.loc;
  r.backend = l.words[a].value;
  r.text = join_words(l, 0, l.words.size());
  lw.proxy().default_backend = std::move(r);
}

namespace {

// Parses the words of one http-request/http-response action up to its condition.
// `action` is the rule's action ("set-header"...); its arguments start at words[a].
std::optional<HttpRule> parse_rule(Lowerer& lw, const Line& l, size_t a, const std::string& action, bool response) {
  HttpRule r;
  r.loc = l.loc;
  r.keyword = a == 1 ? action : l.words[0].value + " " + action;
  r.text = join_words(l, 0, l.words.size());
  size_t c = condition_start(l, a);
  if (c < l.words.size()) {
    auto m = lower_condition(lw, l, c);
    if (!m) return std::nullopt;
    r.condition = std::move(*m);
  }
  size_t n = c - a;
  auto too_many = [&](size_t want) {
    if (n <= want) return false;
    lw.error(l.words[a + want].loc, fmt::format("'{}' expects {} argument(s) before the condition, got '{}'",
                                                r.keyword, want, l.words[a + want].value));
    return true;
  };
  auto need = [&](size_t want) {
    if (n >= want) return true;
    lw.error(l.loc, fmt::format("'{}' expects {} argument(s)", r.keyword, want));
    return false;
  };
  if (action == "set-header" || action == "add-header") {
    if (!need(2) || too_many(2)) return std::nullopt;
    r.kind = action == "set-header" ? RuleKind::set_header : RuleKind::add_header;
    r.name = l.words[a].value;
    auto t = lower_log_format(lw, l.words[a + 1]);
    if (!t) return std::nullopt;
    r.value = std::move(*t);
  } else if (action == "del-header") {
    if (!need(1)) return std::nullopt;
    if (n > 1) {
      lw.error(l.words[a + 1].loc, fmt::format("'{}' option '{}' is not supported by proxyglot yet", r.keyword,
                                               l.words[a + 1].value));
      return std::nullopt;
    }
    r.kind = RuleKind::del_header;
    r.name = l.words[a].value;
  } else if (response) {
    lw.error(l.loc, fmt::format("'{}' is not supported by proxyglot yet", r.keyword));
    return std::nullopt;
  } else if (action == "set-path") {
    if (!need(1) || too_many(1)) return std::nullopt;
    r.kind = RuleKind::set_path;
    auto t = lower_log_format(lw, l.words[a]);
    if (!t) return std::nullopt;
    r.value = std::move(*t);
  } else if (action == "replace-path") {
    if (!need(2) || too_many(2)) return std::nullopt;
    r.kind = RuleKind::replace_path;
    r.regex = l.words[a].value;
    // \1..\9 in the replacement are the regex's groups.
    const Word& rep = l.words[a + 1];
    Word lit = rep;
    ir::Template t;
    std::string cur;
    for (size_t i = 0; i < rep.value.size(); ++i) {
      char ch = rep.value[i];
      if (ch == '\\' && i + 1 < rep.value.size() && std::isdigit(static_cast<unsigned char>(rep.value[i + 1]))) {
        if (!cur.empty()) {
          lit.value = cur;
          auto part = lower_log_format(lw, lit);
          if (!part) return std::nullopt;
          for (auto& p : part->parts) t.parts.push_back(std::move(p));
          cur.clear();
        }
        t.parts.push_back({ir::Var::regex_capture, std::string(1, rep.value[++i])});
        continue;
      }
      cur += ch;
    }
    if (!cur.empty()) {
      lit.value = cur;
      auto part = lower_log_format(lw, lit);
      if (!part) return std::nullopt;
      for (auto& p : part->parts) t.parts.push_back(std::move(p));
    }
    r.value = std::move(t);
  } else if (action == "redirect") {
    r.kind = RuleKind::redirect;
    r.status = 302;
    const std::string& type = l.words[a].value;
    if (n < 2) {
      lw.error(l.loc, "'http-request redirect' expects 'location', 'prefix' or 'scheme' and a value");
      return std::nullopt;
    }
    bool drop_query = false;
    for (size_t i = a + 2; i < c; ++i) {
      const std::string& w = l.words[i].value;
      if (w == "code" && i + 1 < c) {
        auto code = parse_int(l.words[++i].value);
        if (!code || (*code != 301 && *code != 302 && *code != 303 && *code != 307 && *code != 308)) {
          lw.error(l.words[i].loc, fmt::format("'redirect' code must be 301, 302, 303, 307 or 308, got '{}'",
                                               l.words[i].value));
          return std::nullopt;
        }
        r.status = static_cast<int>(*code);
      } else if (w == "drop-query") {
        drop_query = true;
      } else {
        lw.error(l.words[i].loc, fmt::format("'redirect' option '{}' is not supported by proxyglot yet", w));
        return std::nullopt;
      }
    }
    auto value = lower_log_format(lw, l.words[a + 1]);
    if (!value) return std::nullopt;
    using V = ir::Var;
    auto uri = [&](ir::Template& t) {
      t.parts.push_back({V::path, ""});
      if (!drop_query) {
        t.parts.push_back({V::query_mark, ""});
        t.parts.push_back({V::query, ""});
      }
    };
    if (type == "location") {
      r.value = std::move(*value);
    } else if (type == "prefix") {
      r.value = std::move(*value);
      // A prefix of "/" adds nothing: HAProxy does not double the slash.
      if (r.value.parts.size() == 1 && r.value.parts[0].var == V::literal && r.value.parts[0].value == "/")
        r.value.parts.clear();
      uri(r.value);
    } else if (type == "scheme") {
      r.value = std::move(*value);
      r.value.parts.push_back({V::literal, "://"});
      r.value.parts.push_back({V::request_header, "Host"});
      uri(r.value);
    } else {
      lw.error(l.words[a].loc, fmt::format("'http-request redirect' expects 'location', 'prefix' or 'scheme', got '{}'",
                                           type));
      return std::nullopt;
    }
  } else if (action == "deny" || action == "return") {
    r.kind = action == "deny" ? RuleKind::deny : RuleKind::return_;
    r.status = action == "deny" ? 403 : 200;
    for (size_t i = a; i < c; ++i) {
      const std::string& w = l.words[i].value;
      bool has_next = i + 1 < c;
      if ((w == "status" || w == "deny_status") && has_next) {
        auto code = parse_int(l.words[++i].value);
        if (!code || *code < 200 || *code > 599) {
          lw.error(l.words[i].loc, fmt::format("'{}' status must be between 200 and 599, got '{}'", r.keyword,
                                               l.words[i].value));
          return std::nullopt;
        }
        r.status = static_cast<int>(*code);
      } else if (w == "content-type" && has_next) {
        r.content_type = l.words[++i].value;
      } else if ((w == "string" || w == "lf-string") && has_next) {
        ++i;
        r.has_body = true;
        if (w == "string") {
          r.value.parts.clear();
          if (!l.words[i].value.empty()) r.value.parts.push_back({ir::Var::literal, l.words[i].value});
        } else {
          auto t = lower_log_format(lw, l.words[i]);
          if (!t) return std::nullopt;
          r.value = std::move(*t);
        }
      } else {
        lw.error(l.words[i].loc, fmt::format("'{}' option '{}' is not supported by proxyglot yet", r.keyword, w));
        return std::nullopt;
      }
    }
    if (r.has_body && r.content_type.empty()) {
      lw.error(l.loc, fmt::format("'{}' : a 'content-type' is required with a body", r.keyword));
      return std::nullopt;
    }
  }
  return r;
}

}  // namespace

namespace {

const ir::Predicate* single_predicate(const ir::Matcher& m) {
  if (m.op == ir::MatchOp::predicate) return m.predicate ? &*m.predicate : nullptr;
  if ((m.op == ir::MatchOp::all || m.op == ir::MatchOp::any) && m.children.size() == 1)
    return single_predicate(m.children.front());
  return nullptr;
}

// `set-header H %[req.hdr(H)] if { req.hdr(H) -m found }` (or `add-header N ...`): the
// field is sent only when the request has one, nginx's "an empty value is not passed".
// Unconditional with omit_empty; the request carrying H empty is the one difference.
void empty_omitted(HttpRule& r) {
  if ((r.kind != RuleKind::set_header && r.kind != RuleKind::add_header) || !r.condition) return;
  const ir::Predicate* p = single_predicate(*r.condition);
  if (!p || p->kind != ir::PredKind::header_present || r.value.parts.size() != 1) return;
  const auto& part = r.value.parts.front();
  if (part.var != ir::Var::request_header || !part.converters.empty() || !ir::iequals(part.value, p->name)) return;
  if (r.kind == RuleKind::set_header && !ir::iequals(r.name, p->name)) return;  // else the old field would stay
  r.condition.reset();
  r.omit_empty = true;
}

}  // namespace

void http_request(Lowerer& lw, const Line& l, size_t a) {
  if (body_limit_rule(lw, l, a)) return;
  auto r = parse_rule(lw, l, a, l.words[1].value, false);
  if (!r) return;
  empty_omitted(*r);
  if (r->kind == RuleKind::deny || r->kind == RuleKind::return_ || r->kind == RuleKind::redirect)
    lw.proxy().terminal_seen = true;
  lw.proxy().request_rules.push_back(std::move(*r));
}

void http_response(Lowerer& lw, const Line& l, size_t a) {
  auto r = parse_rule(lw, l, a, l.words[1].value, true);
  if (!r) return;
  if (r->condition) {
    lw.error(l.loc, fmt::format("conditional '{}' is not supported by proxyglot yet", r->keyword));
    return;
  }
  lw.proxy().response_rules.push_back(std::move(*r));
}

namespace {

bool uses_client(const ir::Template& t) {
  for (const auto& p : t.parts)
    if (p.var == ir::Var::client_address || p.var == ir::Var::client_port) return true;
  return false;
}

bool uses_client(const ir::Matcher& m) {
  if (m.predicate && m.predicate->kind == ir::PredKind::client_cidr) return true;
  for (const auto& c : m.children)
    if (uses_client(c)) return true;
  return false;
}

// The client networks a condition accepts when it tests the client address alone
// (`{ src A B }`, an ACL on src, LOCALHOST, ORs of those); nullopt otherwise.
std::optional<std::vector<std::string>> source_networks(const ir::Matcher& m) {
  using Op = ir::MatchOp;
  if (m.op == Op::predicate) {
    if (m.predicate && m.predicate->kind == ir::PredKind::client_cidr)
      return std::vector<std::string>{m.predicate->value};
    return std::nullopt;
  }
  if (m.op == Op::all && m.children.empty()) return std::vector<std::string>{"0.0.0.0/0", "::/0"};  // `src -m found`
  if (m.op == Op::all && m.children.size() == 1) return source_networks(m.children.front());
  if (m.op == Op::any) {
    std::vector<std::string> out;
    for (const auto& c : m.children) {
      auto n = source_networks(c);
      if (!n) return std::nullopt;
      for (auto& x : *n)
        if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(std::move(x));
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

// http-request set-src req.hdr_ip(H[,-1]) [if COND]: HAProxy replaces the client address
// with the header's last address when COND holds. With COND testing the client address
// only, that is the IR's RealIp: trusted networks, the header, its last address.
void http_request_set_src(Lowerer& lw, const Line& l, size_t a) {
  if (lw.section() == kBackend) {
    lw.error(l.loc, "'http-request set-src' in a backend is not supported by proxyglot yet (the IR resolves the "
                    "client address for a whole frontend)");
    return;
  }
  Proxy& p = lw.proxy();
  if (p.set_src) {
    lw.error(l.loc, fmt::format("a second 'http-request set-src' (the first at line {}) is not supported by proxyglot "
                                "yet", p.set_src->loc.line));
    return;
  }
  for (const auto& r : p.request_rules) {
    if ((r.condition && uses_client(*r.condition)) || uses_client(r.value)) {
      lw.error(l.loc, fmt::format("'http-request set-src' after a rule that uses the client address (line {}) is not "
                                  "supported by proxyglot yet: the IR resolves the client address before every rule",
                                  r.loc.line));
      return;
    }
  }
  size_t c = condition_start(l, a);
  if (c != a + 1) {
    lw.error(l.words[std::min(c, a + 1)].loc, "'http-request set-src' expects one sample expression before the condition");
    return;
  }
  // req.hdr_ip(NAME[,OCC]), hdr_ip(...), req.hdr(...), hdr(...): no converters.
  static const std::regex expr(R"(^(req\.hdr_ip|hdr_ip|req\.hdr|hdr)\(([^,()]+)(?:,\s*([-+]?[0-9]+))?\)$)");
  std::smatch m;
  const std::string& e = l.words[a].value;
  const char* shape = "'http-request set-src' is supported by proxyglot only as 'req.hdr_ip(HEADER[,-1])' (or "
                      "hdr_ip, req.hdr, hdr) with an optional condition on 'src': the real client address from a "
                      "trusted proxy's header";
  if (!std::regex_match(e, m, expr)) {
    lw.error(l.words[a].loc, fmt::format("{}; got '{}'", shape, e));
    return;
  }
  std::string occ = m[3].str();
  if (!occ.empty() && occ != "-1") {
    lw.error(l.words[a].loc, fmt::format("'http-request set-src {}' takes occurrence {} of the header; the IR takes its "
                                         "last address only ('-1'): not supported by proxyglot yet", e, occ));
    return;
  }
  SetSrc s;
  s.loc = l.loc;
  s.real_ip.header = m[2].str();
  s.real_ip.recursive = false;
  if (c < l.words.size()) {
    auto cond = lower_condition(lw, l, c);
    if (!cond) return;
    auto nets = source_networks(*cond);
    if (!nets) {
      lw.error(l.words[c].loc, fmt::format("{}; this condition tests more than the client address", shape));
      return;
    }
    s.real_ip.trusted = std::move(*nets);
  } else {
    s.real_ip.trusted = {"0.0.0.0/0", "::/0"};  // every client's header is believed
  }
  p.set_src = std::move(s);
}

// The legacy `redirect` keyword: http-request redirect's syntax, evaluated after every
// http-request rule and before the use_backend rules.
void redirect(Lowerer& lw, const Line& l, size_t a) {
  auto r = parse_rule(lw, l, a, "redirect", false);
  if (r) lw.proxy().redirect_rules.push_back(std::move(*r));
}

}  // namespace pg::haproxy::handlers
