// Proxy settings: what defaults sections pass on and proxies override.
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "haproxy/acl.h"
#include "haproxy/handlers.h"
#include "haproxy/log_format.h"
#include "haproxy/values.h"
#include "read_file.h"

namespace pg::haproxy::handlers {

void mode(Lowerer& lw, const Line& l, size_t a) {
  const std::string& m = l.words[a].value;
  if (m == "tcp" || m == "health") {
    lw.error(l.words[a].loc, fmt::format("'mode {}' is not supported by proxyglot yet", m));
    return;
  }
  if (m != "http") {
    lw.error(l.words[a].loc, fmt::format("unknown proxy mode '{}'.", m));
    return;
  }
  lw.settings().mode = m;
  lw.settings().mode_loc = l.loc;
}

void timeout(Lowerer& lw, const Line& l, size_t a) {
  std::string kind = l.words[1].value;
  auto t = parse_time(l.words[a].value);
  if (!t.error.empty()) {
    lw.error(l.words[a].loc, fmt::format("{} in 'timeout {}'", t.error, kind));
    return;
  }
  lw.settings().timeouts[kind] = Timed{true, t.ms, l.loc};
  if (kind == "queue" || kind == "client-fin" || kind == "server-fin")
    lw.warning(l.loc, fmt::format("'timeout {}' has no equivalent in the IR; it is not applied", kind));
}

void option_httplog(Lowerer& lw, const Line& l, size_t a) {
  if (l.words.size() > a) {
    lw.error(l.words[a].loc, fmt::format("'option httplog {}' is not supported by proxyglot yet", l.words[a].value));
    return;
  }
  lw.settings().httplog = true;
}

void option_dontlognull(Lowerer&, const Line&, size_t) {}

void option_forwardfor(Lowerer& lw, const Line& l, size_t a) {
  ForwardFor f;
  f.on = true;
  f.loc = l.loc;
  for (size_t i = a; i < l.words.size(); ++i) {
    const std::string& w = l.words[i].value;
    if ((w == "except" || w == "header") && i + 1 < l.words.size()) {
      if (w == "except") f.except.push_back(l.words[++i].value);
      else f.header = l.words[++i].value;
    } else if (w == "if-none") {
      f.if_none = true;
    } else {
      lw.error(l.words[i].loc, "'option forwardfor' only supports optional values: 'except', 'header' and 'if-none'.");
      return;
    }
  }
  lw.settings().forwardfor = f;
}

void option_http_server_close(Lowerer& lw, const Line&, size_t) { lw.settings().conn_mode = ConnMode::server_close; }
void option_httpclose(Lowerer& lw, const Line&, size_t) { lw.settings().conn_mode = ConnMode::close; }
void option_http_keep_alive(Lowerer& lw, const Line&, size_t) { lw.settings().conn_mode = ConnMode::keep_alive; }

void option_redispatch(Lowerer& lw, const Line& l, size_t a) {
  if (l.words.size() > a && l.words[a].value != "1" && l.words[a].value != "-1") {
    lw.error(l.words[a].loc, fmt::format("'option redispatch {}' (an interval) is not supported by proxyglot yet",
                                         l.words[a].value));
    return;
  }
  lw.settings().redispatch = true;
}

namespace {

// The old form's version field may smuggle headers: "HTTP/1.1\r\nHost:\ example.com".
void split_version(const std::string& v, HttpCheck& c) {
  size_t crlf = v.find("\r\n");
  c.version = v.substr(0, crlf);
  while (crlf != std::string::npos) {
    size_t start = crlf + 2;
    crlf = v.find("\r\n", start);
    std::string header = v.substr(start, crlf == std::string::npos ? std::string::npos : crlf - start);
    if (header.empty()) continue;
    auto colon = header.find(':');
    std::string name = header.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    c.headers.emplace_back(name, value);
  }
}

}  // namespace

void option_httpchk(Lowerer& lw, const Line& l, size_t a) {
  HttpCheck c;
  c.on = true;
  c.loc = l.loc;
  size_t n = l.words.size() - a;
  // One argument is the URI; two or three are method, URI [, version].
  if (n == 1) {
    c.uri = l.words[a].value;
  } else if (n >= 2) {
    c.method = l.words[a].value;
    c.uri = l.words[a + 1].value;
    if (n == 3) split_version(l.words[a + 2].value, c);
    if (n == 3 && l.words[a + 2].value.find("\r\n") != std::string::npos)
      lw.warning(l.loc, "'option httpchk' : hiding headers or body at the end of the version string is deprecated. "
                        "Please, consider to use 'http-check send' directive instead.");
  }
  HttpCheck& cur = lw.settings().httpchk;
  // http-check lines given earlier in the section keep their effect.
  c.has_expect = cur.has_expect;
  c.expect_status = cur.expect_status;
  c.expect_body_regex = cur.expect_body_regex;
  cur = c;
}

void http_check_send(Lowerer& lw, const Line& l, size_t a) {
  HttpCheck& c = lw.settings().httpchk;
  for (size_t i = a; i < l.words.size(); ++i) {
    const std::string& w = l.words[i].value;
    bool has_next = i + 1 < l.words.size();
    if (w == "meth" && has_next) c.method = l.words[++i].value;
    else if (w == "uri" && has_next) c.uri = l.words[++i].value;
    else if (w == "ver" && has_next) c.version = l.words[++i].value;
    else if (w == "hdr" && i + 2 < l.words.size()) {
      c.headers.emplace_back(l.words[i + 1].value, l.words[i + 2].value);
      i += 2;
    } else {
      lw.error(l.words[i].loc, fmt::format("'http-check send' argument '{}' is not supported by proxyglot yet", w));
      return;
    }
  }
}

void http_check_expect(Lowerer& lw, const Line& l, size_t a) {
  HttpCheck& c = lw.settings().httpchk;
  size_t i = a;
  if (l.words[i].value == "!") {
    lw.error(l.words[i].loc, "negated 'http-check expect' is not supported by proxyglot yet");
    return;
  }
  if (l.words.size() - i != 2) {
    lw.error(l.loc, "'http-check expect' expects a match and a pattern");
    return;
  }
  const std::string& what = l.words[i].value;
  const Word& pat = l.words[i + 1];
  c.has_expect = true;
  if (what == "status") {
    // A list of codes and ranges: "200", "200,204", "200-399".
    std::vector<int> codes;
    std::string item;
    std::string list = pat.value + ",";
    for (char ch : list) {
      if (ch != ',') {
        item += ch;
        continue;
      }
      auto dash = item.find('-');
      auto lo = parse_int(item.substr(0, dash));
      auto hi = dash == std::string::npos ? lo : parse_int(item.substr(dash + 1));
      if (!lo || !hi || *lo < 100 || *hi > 599 || *lo > *hi) {
        lw.error(pat.loc, fmt::format("invalid status code or range '{}' in 'http-check expect status'", item));
        return;
      }
      for (long s = *lo; s <= *hi; ++s) codes.push_back(static_cast<int>(s));
      item.clear();
    }
    c.expect_status = codes;
  } else if (what == "rstatus") {
    // The IR lists codes: the regex is evaluated on every status code.
    std::regex re;
    try {
      re = std::regex(pat.value, std::regex::extended);
    } catch (const std::regex_error&) {
      lw.error(pat.loc, fmt::format("invalid regex '{}' in 'http-check expect rstatus'", pat.value));
      return;
    }
    c.expect_status.clear();
    for (int s = 100; s <= 599; ++s)
      if (std::regex_search(std::to_string(s), re)) c.expect_status.push_back(s);
  } else if (what == "string") {
    c.expect_body_regex = regex_escape(pat.value);
  } else if (what == "rstring") {
    c.expect_body_regex = pat.value;
  } else {
    lw.error(l.words[i].loc, fmt::format("'http-check expect {}' is not supported by proxyglot yet", what));
  }
}

void retries(Lowerer& lw, const Line& l, size_t a) {
  auto n = parse_int(l.words[a].value);
  if (!n) {
    lw.error(l.words[a].loc, fmt::format("'retries' expects an integer argument, got '{}'", l.words[a].value));
    return;
  }
  lw.settings().retries = static_cast<int>(*n);
}

void balance(Lowerer& lw, const Line& l, size_t a) {
  Settings& s = lw.settings();
  const Word& w = l.words[a];
  std::string algo = w.value, arg;
  if (auto open = algo.find('('); open != std::string::npos && algo.back() == ')') {
    arg = algo.substr(open + 1, algo.size() - open - 2);
    algo = algo.substr(0, open);
  }
  ir::Balancing b;
  using B = ir::Balance;
  auto key = [&](ir::TemplatePart p) {
    b.policy = B::hash;
    b.key.parts.push_back(std::move(p));
  };
  bool extra_ok = false;
  if (algo == "roundrobin" || algo == "static-rr") b.policy = B::round_robin;
  else if (algo == "leastconn") b.policy = B::least_conn;
  else if (algo == "first") b.policy = B::first;
  else if (algo == "source") key({ir::Var::client_address, ""});
  else if (algo == "uri") {
    // uri [whole] [len N] [depth N]: only the default (path without query) and whole.
    bool whole = false;
    for (size_t i = a + 1; i < l.words.size(); ++i) {
      if (l.words[i].value == "whole") whole = true;
      else {
        lw.error(l.words[i].loc, fmt::format("'balance uri {}' is not supported by proxyglot yet", l.words[i].value));
        return;
      }
    }
    extra_ok = true;
    key({whole ? ir::Var::request_uri : ir::Var::path, ""});
  } else if (algo == "url_param") {
    if (a + 1 >= l.words.size()) {
      lw.error(l.loc, "'balance url_param' requires an URL parameter name.");
      return;
    }
    if (a + 2 < l.words.size()) {
      lw.error(l.words[a + 2].loc, "'balance url_param' options are not supported by proxyglot yet");
      return;
    }
    extra_ok = true;
    key({ir::Var::query_arg, l.words[a + 1].value});
  } else if (algo == "hdr") {
    if (arg.empty()) {
      lw.error(w.loc, "'balance hdr' requires an http header field name.");
      return;
    }
    key({ir::Var::request_header, arg});
  } else if (algo == "random") {
    b.policy = B::random;
    b.choices = 2;  // HAProxy 2.6: two draws unless random(<draws>)
    if (!arg.empty()) {
      auto n = parse_int(arg);
      if (!n || *n < 1) {
        lw.error(w.loc, fmt::format("'balance random' expects a positive number of draws, got '{}'", arg));
        return;
      }
      b.choices = static_cast<int>(*n);
    }
    b.choice_policy = B::least_conn;
  } else if (algo == "hash") {
    if (a + 1 >= l.words.size()) {
      lw.error(l.loc, "'balance hash' requires a sample expression.");
      return;
    }
    extra_ok = true;
    auto part = lower_fetch_expr(lw, l.words[a + 1].value, l.words[a + 1].loc);
    if (!part) return;
    key(std::move(*part));
  } else if (algo == "rdp-cookie") {
    // The RDP cookie sits in an RDP connection request (X.224), which an HTTP request
    // never is: HAProxy finds no cookie and uses round robin, as its documentation says
    // it does when the cookie is missing. The IR says so, and the user is told.
    b.policy = B::round_robin;
    lw.warning(w.loc, "'balance rdp-cookie' hashes RDP's connection cookie, which HTTP requests do not carry: "
                      "HAProxy falls back to round robin in HTTP mode, and so does the IR");
  } else {
    lw.error(w.loc, "balance only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', "
                    "'url_param', 'hdr(name)' and 'rdp-cookie(name)' options.");
    return;
  }
  if (!extra_ok && a + 1 < l.words.size()) {
    lw.error(l.words[a + 1].loc, fmt::format("'balance {}' takes no other argument", algo));
    return;
  }
  b.consistent = s.hash_consistent && b.policy == B::hash;
  s.balancing = b;
  s.balance_set = true;
  s.balance_loc = l.loc;
}

void hash_type(Lowerer& lw, const Line& l, size_t a) {
  const std::string& t = l.words[a].value;
  if (t != "map-based" && t != "consistent") {
    lw.error(l.words[a].loc, fmt::format("'hash-type' expects 'map-based' or 'consistent', got '{}'", t));
    return;
  }
  for (size_t i = a + 1; i < l.words.size(); ++i) {
    const std::string& f = l.words[i].value;
    if (f != "sdbm" && f != "djb2" && f != "wt6" && f != "crc32" && f != "avalanche") {
      lw.error(l.words[i].loc, fmt::format("unknown hash function or modifier '{}'", f));
      return;
    }
  }
  Settings& s = lw.settings();
  s.hash_consistent = t == "consistent";
  if (s.balancing.policy == ir::Balance::hash) s.balancing.consistent = s.hash_consistent;
}

void maxconn_proxy(Lowerer& lw, const Line& l, size_t a) {
  auto n = parse_int(l.words[a].value);
  if (!n) {
    lw.error(l.words[a].loc, fmt::format("'maxconn' expects an integer argument, got '{}'", l.words[a].value));
    return;
  }
  lw.settings().maxconn = static_cast<int>(*n);
  lw.warning(l.loc, "a proxy's 'maxconn' has no equivalent in the IR; it is not applied");
}

namespace {

// An errorfile holds a whole HTTP response: status line, headers, empty line, body.
bool parse_http_response(const std::string& text, ErrorFile& e) {
  size_t eol = text.find('\n');
  if (eol == std::string::npos) return false;
  std::string status = text.substr(0, eol);
  if (!status.empty() && status.back() == '\r') status.pop_back();
  if (status.rfind("HTTP/", 0) != 0) return false;
  auto sp = status.find(' ');
  if (sp == std::string::npos) return false;
  auto code = parse_int(status.substr(sp + 1, 3));
  if (!code) return false;
  e.status = static_cast<int>(*code);
  size_t pos = eol + 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string::npos) return false;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    e.headers.emplace_back(line.substr(0, colon), value);
  }
  e.body = text.substr(std::min(pos, text.size()));
  return true;
}

}  // namespace

void errorfile(Lowerer& lw, const Line& l, size_t a) {
  static const int codes[] = {200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504};
  auto code = parse_int(l.words[a].value);
  bool known = false;
  for (int c : codes) known = known || (code && c == *code);
  if (!known) {
    lw.error(l.words[a].loc, fmt::format("status code '{}' cannot be overridden.", l.words[a].value));
    return;
  }
  ErrorFile e;
  e.loc = l.loc;
  e.code = static_cast<int>(*code);
  e.file = l.words[a + 1].value;
  std::string text;
  if (read_file(e.file, text) != 0) {
    lw.error(l.words[a + 1].loc, fmt::format("error opening file '{}'.", e.file));
    return;
  }
  if (!parse_http_response(text, e)) {
    lw.error(l.words[a + 1].loc, fmt::format("unable to parse the HTTP response in file '{}'.", e.file));
    return;
  }
  auto& list = lw.settings().errorfiles;
  std::erase_if(list, [&](const ErrorFile& x) { return x.code == e.code; });
  list.push_back(std::move(e));
}

}  // namespace pg::haproxy::handlers

namespace pg::haproxy::handlers {

// http-error status N [content-type T] [string S | lf-string S | file F | errorfile F]
// [hdr NAME VALUE]*: the reply HAProxy sends instead of its own page for N.
void http_error(Lowerer& lw, const Line& l, size_t a) {
  static const int codes[] = {200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504};
  if (l.words[a].value != "status" || a + 1 >= l.words.size()) {
    lw.error(l.words[a].loc, "http-error : expects 'status <code>' as first argument");
    return;
  }
  auto code = parse_int(l.words[a + 1].value);
  bool known = false;
  for (int c : codes) known = known || (code && c == *code);
  if (!known) {
    lw.error(l.words[a + 1].loc, fmt::format("http-error : status code '{}' not handled", l.words[a + 1].value));
    return;
  }
  ErrorFile e;
  e.loc = l.loc;
  e.code = static_cast<int>(*code);
  e.status = e.code;
  e.http_error = true;
  std::string content_type;
  bool has_body = false;
  std::vector<std::pair<std::string, std::string>> hdrs;
  for (size_t i = a + 2; i < l.words.size(); ++i) {
    const std::string& w = l.words[i].value;
    bool has_next = i + 1 < l.words.size();
    if (w == "content-type" && has_next) {
      content_type = l.words[++i].value;
    } else if ((w == "string" || w == "lf-string") && has_next) {
      const Word& body = l.words[++i];
      if (body.value.empty()) {
        lw.error(body.loc, fmt::format("http-error : '{}' expects <str> as argument", w));
        return;
      }
      if (w == "lf-string") {
        auto t = lower_log_format(lw, body);
        if (!t) return;
        for (const auto& p : t->parts)
          if (p.var != ir::Var::literal) {
            lw.error(body.loc, "http-error : an 'lf-string' with log-format variables is not supported by proxyglot yet");
            return;
          }
        e.body.clear();
        for (const auto& p : t->parts) e.body += p.value;
      } else {
        e.body = body.value;
      }
      has_body = true;
    } else if (w == "file" && has_next) {
      const Word& f = l.words[++i];
      if (read_file(f.value, e.body) != 0) {
        lw.error(f.loc, fmt::format("http-error : failed to open file '{}'.", f.value));
        return;
      }
      e.file = f.value;
      has_body = !e.body.empty();
    } else if (w == "errorfile" && has_next) {
      // A whole HTTP response, as the errorfile keyword reads it.
      const Word& f = l.words[++i];
      std::string text;
      if (read_file(f.value, text) != 0) {
        lw.error(f.loc, fmt::format("http-error : failed to open file '{}'.", f.value));
        return;
      }
      ErrorFile whole;
      if (!parse_http_response(text, whole)) {
        lw.error(f.loc, fmt::format("unable to parse the HTTP response in file '{}'.", f.value));
        return;
      }
      whole.loc = e.loc;
      whole.code = e.code;
      whole.file = f.value;
      e = std::move(whole);
      e.http_error = false;  // the file's own response, as with errorfile
      if (i + 1 < l.words.size()) {
        lw.error(l.words[i + 1].loc, "http-error : 'errorfile' takes no other option");
        return;
      }
      break;
    } else if (w == "hdr" && i + 2 < l.words.size()) {
      hdrs.emplace_back(l.words[i + 1].value, l.words[i + 2].value);
      i += 2;
    } else {
      lw.error(l.words[i].loc, fmt::format("http-error option '{}' is not supported by proxyglot yet", w));
      return;
    }
  }
  if (e.http_error) {
    if (has_body && content_type.empty()) {
      lw.error(l.loc, "http-error : a content type must be defined when non-empty payload is configured");
      return;
    }
    if (has_body) e.headers.emplace_back("content-type", content_type);
    for (auto& h : hdrs) e.headers.push_back(std::move(h));
  }
  auto& list = lw.settings().errorfiles;
  std::erase_if(list, [&](const ErrorFile& x) { return x.code == e.code; });
  list.push_back(std::move(e));
}

void option_http_buffer_request(Lowerer& lw, const Line&, size_t) { lw.settings().http_buffer_request = true; }

// retry-on: the IR's retry conditions (a retry goes to another server only with
// `option redispatch`, as the IR's retries always do).
void retry_on(Lowerer& lw, const Line& l, size_t a) {
  using R = ir::RetryOn;
  std::vector<R> on;
  bool none = false;
  for (size_t i = a; i < l.words.size(); ++i) {
    const std::string& w = l.words[i].value;
    if (w == "none") none = true;
    else if (w == "conn-failure" || w == "empty-response") on.push_back(R::error);
    else if (w == "response-timeout") on.push_back(R::timeout);
    else if (w == "junk-response") on.push_back(R::invalid_header);
    else if (w == "500") on.push_back(R::http_500);
    else if (w == "502") on.push_back(R::http_502);
    else if (w == "503") on.push_back(R::http_503);
    else if (w == "504") on.push_back(R::http_504);
    else if (w == "403") on.push_back(R::http_403);
    else if (w == "404") on.push_back(R::http_404);
    else if (w == "0rtt-rejected") continue;  // no TLS early data in the IR: nothing is ever rejected
    else if (w == "all-retryable-errors")
      on.insert(on.end(), {R::error, R::timeout, R::invalid_header, R::http_500, R::http_502, R::http_503, R::http_504});
    else if (w == "401" || w == "408" || w == "425" || w == "501")
      lw.warning(l.words[i].loc, fmt::format("'retry-on {}' has no equivalent in the IR; it is not applied", w));
    else {
      lw.error(l.words[i].loc, fmt::format("'retry-on' : unknown keyword '{}'.", w));
      return;
    }
  }
  if (none && l.words.size() - a > 1) {
    lw.error(l.loc, "'retry-on' : 'none' must be alone.");
    return;
  }
  // In the IR's order, once each.
  std::vector<R> sorted;
  for (R r : {R::error, R::timeout, R::invalid_header, R::http_500, R::http_502, R::http_503, R::http_504, R::http_403,
              R::http_404, R::http_429, R::non_idempotent})
    if (std::find(on.begin(), on.end(), r) != on.end()) sorted.push_back(r);
  Settings& s = lw.settings();
  s.retry_on_set = true;
  s.retry_on = std::move(sorted);
  s.retry_on_loc = l.loc;
}

}  // namespace pg::haproxy::handlers
