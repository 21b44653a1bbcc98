#include "haproxy/acl.h"

#include "ir/matchers.h"

#include <fmt/format.h>

namespace pg::haproxy {

namespace {

using ir::all_of;
using ir::any_of;
using ir::always;
using ir::negate;
using ir::never;
using ir::pred;

// A fetch split into its base ("path", "hdr"...), argument and default match method.
struct Fetch {
  std::string base;
  std::string arg;    // hdr(name), url_param(name)
  std::string method; // str beg end sub reg dir dom found int bool ip
};

std::optional<Fetch> split_fetch(const std::string& word) {
  std::string name = word, arg;
  if (auto open = word.find('('); open != std::string::npos) {
    if (word.back() != ')') return std::nullopt;
    name = word.substr(0, open);
    arg = word.substr(open + 1, word.size() - open - 2);
  }
  static const char* suffixes[] = {"beg", "end", "sub", "reg", "dir", "dom"};
  for (const char* base : {"path", "url", "hdr"}) {
    if (name == base) return Fetch{base, arg, "str"};
    for (const char* s : suffixes)
      if (name == std::string(base) + "_" + s) return Fetch{base, arg, s};
  }
  if (name == "hdr_cnt") return Fetch{"hdr_cnt", arg, "int"};
  if (name == "req.hdr") return Fetch{"hdr", arg, "str"};
  if (name == "method") return Fetch{"method", arg, "str"};
  if (name == "src") return Fetch{"src", arg, "ip"};
  if (name == "ssl_fc") return Fetch{"ssl_fc", arg, "bool"};
  if (name == "query") return Fetch{"query", arg, "str"};
  if (name == "url_param" || name == "urlp") return Fetch{"url_param", arg, "str"};
  return std::nullopt;
}

// The fetches HAProxy has that proxyglot does not lower (so they get "not supported").
bool known_haproxy_fetch(const std::string& word) {
  std::string name = word.substr(0, word.find('('));
  static const char* known[] = {"base", "base_beg", "base_sub", "base_reg", "base32", "cook", "req.cook",
                                "cook_val", "hdr_ip", "hdr_val", "hdr_len", "path_len", "url_len",
                                "url_ip", "url_port", "req.ver", "req_ver", "dst", "dst_port", "src_port",
                                "ssl_fc_sni", "ssl_sni", "req.ssl_sni", "sc_http_req_rate", "req.len",
                                "req.body", "capture.req.hdr", "var", "status", "res.hdr", "int", "always_true",
                                "always_false", "nbsrv", "be_conn", "fe_conn", "req.fhdr", "http_auth",
                                "ssl_c_used", "ssl_fc_alpn", "req.hdr_cnt", "path_dom", "url_dom"};
  for (const char* k : known)
    if (name == k) return true;
  return false;
}

}  // namespace

std::string regex_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("\\^$.|?*+()[]{}/").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

std::optional<ir::Matcher> lower_acl(Lowerer& lw, const Line& l, size_t from, size_t to) {
  if (from >= to) {
    lw.error(l.loc, "missing fetch method in ACL expression");
    return std::nullopt;
  }
  const Word& fw = l.words[from];
  auto fetch = split_fetch(fw.value);
  if (fw.value == "req.body_size") {
    lw.error(fw.loc, "'req.body_size' is supported by proxyglot only as 'http-request deny deny_status 413 if "
                     "{ req.body_size gt N }' (or a named ACL 'req.body_size gt N'), with 'option http-buffer-request'");
    return std::nullopt;
  }
  if (!fetch) {
    if (known_haproxy_fetch(fw.value))
      lw.error(fw.loc, fmt::format("fetch '{}' is not supported by proxyglot yet", fw.value));
    else
      lw.error(fw.loc, fmt::format("unknown fetch method '{}' in ACL expression '{}'", fw.value, fw.value));
    return std::nullopt;
  }
  bool ci = false;
  std::string method = fetch->method;
  size_t i = from + 1;
  for (; i < to && l.words[i].value.size() > 1 && l.words[i].value[0] == '-'; ++i) {
    const std::string& f = l.words[i].value;
    if (f == "-i") ci = true;
    else if (f == "--") { ++i; break; }
    else if (f == "-m" && i + 1 < to) {
      method = l.words[++i].value;
      static const char* ok[] = {"str", "beg", "end", "sub", "reg", "dir", "dom", "found"};
      bool known = false;
      for (const char* m : ok) known = known || method == m;
      if (!known) {
        lw.error(l.words[i].loc, fmt::format("match method '{}' is not supported by proxyglot yet", method));
        return std::nullopt;
      }
    } else if (f == "-m") {
      lw.error(l.words[i].loc, "missing match method after '-m'");
      return std::nullopt;
    } else if (f == "-f" || f == "-M" || f == "-u" || f == "-n" || f == "-I") {
      lw.error(l.words[i].loc, fmt::format("ACL flag '{}' is not supported by proxyglot yet", f));
      return std::nullopt;
    } else {
      break;  // a negative pattern such as "-1"
    }
  }
  std::vector<std::string> patterns;
  for (; i < to; ++i) patterns.push_back(l.words[i].value);
  const std::string& base = fetch->base;
  if ((base == "hdr" || base == "hdr_cnt" || base == "url_param") && fetch->arg.empty()) {
    lw.error(fw.loc, fmt::format("fetch '{}' without a name is not supported by proxyglot yet", fw.value));
    return std::nullopt;
  }

  std::vector<ir::Matcher> any;
  auto fail = [&](const std::string& what) {
    lw.error(fw.loc, fmt::format("{} is not supported by proxyglot yet", what));
    return std::nullopt;
  };
  using K = ir::PredKind;
  if (base == "ssl_fc") {
    if (!patterns.empty()) return fail("'ssl_fc' with patterns");
    return pred(K::scheme, "https");
  }
  if (method == "found") {
    if (base == "hdr") return pred(K::header_present, "", fetch->arg);
    if (base == "path" || base == "url" || base == "method" || base == "src") return always();
    if (base == "query") return negate(pred(K::query, ""));
    if (base == "url_param") return pred(K::query_arg_present, "", fetch->arg);
    return fail(fmt::format("'-m found' on '{}'", fw.value));
  }
  if (base == "hdr_cnt") {
    std::string p;
    for (const auto& x : patterns) p += (p.empty() ? "" : " ") + x;
    if (p == "0" || p == "eq 0" || p == "lt 1" || p == "le 0") return negate(pred(K::header_present, "", fetch->arg));
    if (p == "gt 0" || p == "ge 1") return pred(K::header_present, "", fetch->arg);
    return fail(fmt::format("'{}' compared with '{}'", fw.value, p));
  }
  for (const auto& p : patterns) {
    if (base == "path") {
      if (method == "str") any.push_back(pred(K::path_exact, p, "", ci));
      else if (method == "beg") any.push_back(pred(K::path_prefix, p, "", ci));
      else if (method == "end") any.push_back(pred(K::path_regex, regex_escape(p) + "$", "", ci));
      else if (method == "sub") any.push_back(pred(K::path_regex, regex_escape(p), "", ci));
      else if (method == "reg") any.push_back(pred(K::path_regex, p, "", ci));
      else if (method == "dir") any.push_back(pred(K::path_regex, "(^|/)" + regex_escape(p) + "(/|$)", "", ci));
      else if (method == "dom") any.push_back(pred(K::path_regex, "(^|[/.?])" + regex_escape(p) + "([/.?]|$)", "", ci));
    } else if (base == "url") {
      // The IR matches the path and the query separately: URL patterns with a query
      // part cannot be split faithfully.
      if (p.find('?') != std::string::npos || (method != "str" && method != "beg"))
        return fail(fmt::format("'{}' with pattern '{}'", fw.value, p));
      if (method == "beg") any.push_back(pred(K::path_prefix, p, "", ci));
      else any.push_back(all_of({pred(K::path_exact, p, "", ci), pred(K::query, "")}));
    } else if (base == "hdr") {
      const std::string& h = fetch->arg;
      if (method == "str") any.push_back(pred(K::header_exact, p, h, ci));
      else if (method == "beg") any.push_back(pred(K::header_regex, "^" + regex_escape(p), h, ci));
      else if (method == "end") any.push_back(pred(K::header_regex, regex_escape(p) + "$", h, ci));
      else if (method == "sub") any.push_back(pred(K::header_regex, regex_escape(p), h, ci));
      else if (method == "reg") any.push_back(pred(K::header_regex, p, h, ci));
      else if (method == "dir") any.push_back(pred(K::header_regex, "(^|/)" + regex_escape(p) + "(/|$)", h, ci));
      else if (method == "dom") any.push_back(pred(K::header_regex, "(^|\\.)" + regex_escape(p) + "(\\.|$)", h, ci));
    } else if (base == "method") {
      if (method != "str") return fail(fmt::format("'method -m {}'", method));
      std::string m = p;
      if (ci) for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      any.push_back(pred(K::method, m));
    } else if (base == "src") {
      any.push_back(pred(K::client_cidr, p));
    } else if (base == "query") {
      if (method != "str" || ci) return fail(fmt::format("'{}' matched other than exactly", fw.value));
      any.push_back(pred(K::query, p));
    } else if (base == "url_param") {
      if (method != "str") return fail(fmt::format("'{}' with '-m {}'", fw.value, method));
      any.push_back(pred(K::query_arg, p, fetch->arg, ci));
    }
  }
  if (any.empty()) return never();  // no pattern: HAProxy's ACL never matches
  return any_of(std::move(any));
}

namespace {

std::optional<ir::Matcher> predefined_acl(const std::string& name) {
  using K = ir::PredKind;
  if (name == "TRUE" || name == "HTTP") return always();
  if (name == "FALSE") return never();
  if (name == "LOCALHOST") return any_of({pred(K::client_cidr, "127.0.0.1/8"), pred(K::client_cidr, "::1")});
  if (name == "HTTP_URL_SLASH") return pred(K::path_prefix, "/");
  if (name == "METH_GET") return any_of({pred(K::method, "GET"), pred(K::method, "HEAD")});
  for (const char* m : {"CONNECT", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "TRACE"})
    if (name == std::string("METH_") + m) return pred(K::method, m);
  return std::nullopt;
}

bool predefined_unsupported(const std::string& name) {
  for (const char* n : {"HTTP_1.0", "HTTP_1.1", "HTTP_2.0", "HTTP_CONTENT", "HTTP_URL_ABS", "HTTP_URL_STAR",
                        "REQ_CONTENT", "RDP_COOKIE", "WAIT_END"})
    if (name == n) return true;
  return false;
}

}  // namespace

std::optional<ir::Matcher> lower_condition(Lowerer& lw, const Line& l, size_t from) {
  const auto& w = l.words;
  bool unless = w[from].value == "unless";
  std::vector<ir::Matcher> alternatives;  // ORed
  std::vector<ir::Matcher> terms;         // ANDed
  bool ok = true;
  bool seen_term = false;
  for (size_t i = from + 1; i < w.size(); ++i) {
    std::string v = w[i].value;
    if (v == "||" || v == "or") {
      if (terms.empty()) {
        lw.error(w[i].loc, fmt::format("missing condition before '{}'", v));
        return std::nullopt;
      }
      alternatives.push_back(all_of(std::move(terms)));
      terms.clear();
      continue;
    }
    bool neg = false;
    while (!v.empty() && v[0] == '!') {
      neg = !neg;
      v.erase(0, 1);
    }
    if (v.empty() && i + 1 < w.size()) v = w[++i].value;  // "!" as its own word
    std::optional<ir::Matcher> m;
    if (v == "{") {
      size_t close = i + 1;
      while (close < w.size() && w[close].value != "}") ++close;
      if (close == w.size()) {
        lw.error(w[i].loc, "missing closing '}' in condition");
        return std::nullopt;
      }
      m = lower_acl(lw, l, i + 1, close);
      i = close;
    } else if (lw.in_proxy() && lw.proxy().acls.count(v)) {
      m = any_of(lw.proxy().acls.at(v));
    } else if (auto p = predefined_acl(v)) {
      m = std::move(p);
    } else if (predefined_unsupported(v)) {
      lw.error(w[i].loc, fmt::format("predefined ACL '{}' is not supported by proxyglot yet", v));
    } else {
      lw.error(w[i].loc, fmt::format("no such ACL : '{}'", v));
    }
    seen_term = true;
    if (!m) {
      ok = false;
      continue;
    }
    terms.push_back(neg ? negate(std::move(*m)) : std::move(*m));
  }
  if (!seen_term) {
    lw.error(w[from].loc, fmt::format("missing condition after '{}'", w[from].value));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  if (terms.empty()) {
    lw.error(w.back().loc, "missing condition after '||'");
    return std::nullopt;
  }
  alternatives.push_back(all_of(std::move(terms)));
  ir::Matcher c = any_of(std::move(alternatives));
  return unless ? negate(std::move(c)) : c;
}

}  // namespace pg::haproxy
