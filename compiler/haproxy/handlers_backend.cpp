// The backend side: servers and their defaults.
#include <fmt/format.h>

#include "haproxy/handlers.h"
#include "haproxy/values.h"

namespace pg::haproxy::handlers {

namespace {

// Applies the server parameters in words [from, end) to `p`. False after an error.
bool server_params(Lowerer& lw, const Line& l, size_t from, ServerParams& p, const std::string& who) {
  for (size_t i = from; i < l.words.size(); ++i) {
    const Word& w = l.words[i];
    const std::string& k = w.value;
    bool has_next = i + 1 < l.words.size();
    auto number = [&](long lo, long hi, int& out) {
      if (!has_next) {
        lw.error(w.loc, fmt::format("'{}' expects an integer argument.", k));
        return false;
      }
      const Word& v = l.words[++i];
      auto n = parse_int(v.value);
      if (!n) {
        lw.error(v.loc, fmt::format("'{}' expects an integer argument, got '{}'.", k, v.value));
        return false;
      }
      if (*n < lo || *n > hi) {
        if (lo == 1 && *n == 0) lw.error(v.loc, fmt::format("{} : '{}' has to be > 0.", who, k));
        else lw.error(v.loc, fmt::format("{} : '{}' must be between {} and {}, got '{}'.", who, k, lo, hi, v.value));
        return false;
      }
      out = static_cast<int>(*n);
      return true;
    };
    auto time = [&](int64_t& out) {
      if (!has_next) {
        lw.error(w.loc, fmt::format("'{}' expects a time argument.", k));
        return false;
      }
      const Word& v = l.words[++i];
      auto t = parse_time(v.value);
      if (!t.error.empty()) {
        lw.error(v.loc, fmt::format("'{}': {} in argument '{}'", k, t.error, v.value));
        return false;
      }
      if (t.ms == 0) {
        lw.error(v.loc, fmt::format("{} : '{}' has to be > 0.", who, k));
        return false;
      }
      out = t.ms;
      return true;
    };
    bool ok = true;
    if (k == "check") p.check = true;
    else if (k == "no-check") p.check = false;
    else if (k == "inter") ok = time(p.inter_ms);
    else if (k == "fastinter") ok = time(p.fastinter_ms);
    else if (k == "downinter") ok = time(p.downinter_ms);
    else if (k == "rise") ok = number(1, 1000000, p.rise);
    else if (k == "fall") ok = number(1, 1000000, p.fall);
    else if (k == "weight") ok = number(0, 256, p.weight);
    else if (k == "maxconn") ok = number(0, 2147483647, p.maxconn);
    else if (k == "backup") p.backup = true;
    else if (k == "no-backup") p.backup = false;
    else if (k == "disabled") p.disabled = true;
    else if (k == "enabled") p.disabled = false;
    else if (k == "ssl") p.ssl = true;
    else if (k == "no-ssl") p.ssl = false;
    else if (k == "cookie") {
      if (!has_next) {
        lw.error(w.loc, fmt::format("{} : 'cookie' expects <value> as argument.", who));
        return false;
      }
      p.cookie = l.words[++i].value;
    } else if (k == "verify") {
      if (!has_next || (l.words[i + 1].value != "none" && l.words[i + 1].value != "required")) {
        lw.error(w.loc, "'verify' expects 'none' or 'required'.");
        return false;
      }
      p.verify = l.words[++i].value;
    } else {
      lw.error(w.loc, fmt::format("{} : option '{}' is not supported by proxyglot yet", who, k));
      return false;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace

// cookie NAME insert [indirect] [nocache] [httponly] [secure] [domain D]...: persistence
// by a cookie HAProxy inserts. The other modes (rewrite, prefix, or none: the server's
// own cookie) and options are refused by name.
void cookie(Lowerer& lw, const Line& l, size_t a) {
  ir::CookiePersistence c;
  c.loc = l.loc;
  c.name = l.words[a].value;
  bool insert = false;
  for (size_t i = a + 1; i < l.words.size(); ++i) {
    const Word& w = l.words[i];
    const std::string& k = w.value;
    if (k == "insert") insert = true;
    else if (k == "indirect") c.indirect = true;
    else if (k == "nocache") c.nocache = true;
    else if (k == "httponly") c.httponly = true;
    else if (k == "secure") c.secure = true;
    else if (k == "domain") {
      if (i + 1 >= l.words.size()) {
        lw.error(w.loc, "'cookie' 'domain' option needs a domain name as argument.");
        return;
      }
      c.domains.push_back(l.words[++i].value);
    } else if (k == "rewrite" || k == "prefix" || k == "postonly" || k == "preserve" || k == "maxidle" ||
               k == "maxlife" || k == "dynamic" || k == "attr") {
      lw.error(w.loc, fmt::format("'cookie' option '{}' is not supported by proxyglot yet (only insert is)", k));
      return;
    } else {
      lw.error(w.loc, "'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', "
                      "'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.");
      return;
    }
  }
  if (!insert) {
    lw.error(l.loc, fmt::format("'cookie {}' without 'insert' (the server's own cookie, rewritten or prefixed) is "
                                "not supported by proxyglot yet", c.name));
    return;
  }
  lw.settings().cookie = std::move(c);
}

void default_server(Lowerer& lw, const Line& l, size_t a) {
  ServerParams p = lw.settings().default_server;
  if (server_params(lw, l, a, p, "'default-server'")) lw.settings().default_server = p;
}

void server(Lowerer& lw, const Line& l, size_t a) {
  if (l.words.size() < a + 2) {
    lw.error(l.loc, "'server' expects <name> and <addr>[:<port>] as arguments.");
    return;
  }
  Server s;
  s.loc = l.loc;
  s.name = l.words[a].value;
  const Word& aw = l.words[a + 1];
  Address addr = parse_address(aw.value);
  std::string who = fmt::format("'server {}/{}'", lw.proxy().name, s.name);
  if (!addr.error.empty()) {
    lw.error(aw.loc, fmt::format("{} : {}", who, addr.error));
    return;
  }
  if (!addr.unix_socket && !addr.has_port) {
    lw.error(aw.loc, fmt::format("{} : an address without a port (the client's destination port) is not "
                                 "supported by proxyglot yet", who));
    return;
  }
  s.host = addr.host;
  s.port = addr.port;
  s.params = lw.settings().default_server;
  if (!server_params(lw, l, a + 2, s.params, who)) return;
  for (const auto& other : lw.proxy().servers) {
    if (other.name == s.name) {
      lw.error(l.loc, fmt::format("backend '{}' has the same server name '{}' declared at line {}.",
                                  lw.proxy().name, s.name, other.loc.line));
      return;
    }
  }
  lw.proxy().servers.push_back(std::move(s));
}

}  // namespace pg::haproxy::handlers
