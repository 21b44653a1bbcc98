// The global section.
#include <algorithm>

#include <fmt/format.h>

#include "haproxy/handlers.h"
#include "haproxy/values.h"

namespace pg::haproxy::handlers {

void maxconn_global(Lowerer& lw, const Line& l, size_t a) {
  auto n = parse_int(l.words[a].value);
  if (!n || *n == 0) {
    lw.error(l.words[a].loc, fmt::format("'maxconn' expects a positive integer, got '{}'", l.words[a].value));
    return;
  }
  lw.global().maxconn = static_cast<int>(*n);
}

void nbthread(Lowerer& lw, const Line& l, size_t a) {
  auto n = parse_int(l.words[a].value);
  if (!n || *n < 1 || *n > 4096) {
    lw.error(l.words[a].loc, fmt::format("'nbthread' expects a number between 1 and 4096, got '{}'", l.words[a].value));
    return;
  }
  lw.global().nbthread = static_cast<int>(*n);
}

namespace {

// log <target> [len N] [format F] [sample R:S] <facility> [max [min]]
std::optional<LogTarget> parse_log(Lowerer& lw, const Line& l, size_t a) {
  static const char* facilities[] = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
                                     "cron", "auth2", "ftp", "ntp", "audit", "alert", "cron2", "local0", "local1",
                                     "local2", "local3", "local4", "local5", "local6", "local7"};
  static const char* levels[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
  LogTarget t;
  t.loc = l.loc;
  t.target = l.words[a].value;
  size_t i = a + 1;
  if (i >= l.words.size()) {
    lw.error(l.loc, "'log' expects <address> and <facility> as arguments.");
    return std::nullopt;
  }
  // Options between the address and the facility.
  while (i + 1 < l.words.size()) {
    const std::string& opt = l.words[i].value;
    if (opt == "format") {
      static const char* formats[] = {"raw", "rfc3164", "rfc5424", "short", "priority"};
      const std::string& f = l.words[i + 1].value;
      if (std::find(std::begin(formats), std::end(formats), f) == std::end(formats)) {
        static const char* known[] = {"iso", "local", "timed"};
        lw.error(l.words[i + 1].loc, std::find(std::begin(known), std::end(known), f) != std::end(known)
                                         ? fmt::format("log format '{}' is not supported by proxyglot yet", f)
                                         : fmt::format("unknown log format '{}'", f));
        return std::nullopt;
      }
      t.format = f;
    } else if (opt == "len" || opt == "sample") {
      lw.warning(l.words[i].loc, fmt::format("log option '{} {}' is ignored by proxyglot: every request is logged "
                                             "whole", opt, l.words[i + 1].value));
    } else {
      break;
    }
    i += 2;
  }
  if (i >= l.words.size()) {
    lw.error(l.loc, "'log' expects <address> and <facility> as arguments.");
    return std::nullopt;
  }
  t.facility = l.words[i].value;
  bool ok = false;
  for (const char* f : facilities) ok = ok || t.facility == f;
  if (!ok) {
    lw.error(l.words[i].loc, fmt::format("unknown log facility '{}'", t.facility));
    return std::nullopt;
  }
  if (++i < l.words.size()) {
    t.level = l.words[i].value;
    bool lv = false;
    for (const char* x : levels) lv = lv || t.level == x;
    if (!lv) {
      lw.error(l.words[i].loc, fmt::format("unknown optional log level '{}'", t.level));
      return std::nullopt;
    }
  }
  return t;
}

}  // namespace

void log_global_section(Lowerer& lw, const Line& l, size_t a) {
  if (auto t = parse_log(lw, l, a)) lw.global().logs.push_back(*t);
}

void log_proxy(Lowerer& lw, const Line& l, size_t a) {
  Settings& s = lw.settings();
  if (l.words[a].value == "global") {
    if (l.words.size() > a + 1) lw.error(l.words[a + 1].loc, "'log global' takes no other argument");
    s.log_global = true;
    return;
  }
  if (auto t = parse_log(lw, l, a)) s.logs.push_back(*t);
}

void stats_socket(Lowerer& lw, const Line& l, size_t) {
  lw.warning(l.loc, "'stats socket' has no equivalent in the IR; the admin socket is not created");
}

void environment(Lowerer&, const Line&, size_t) {
  // setenv & co. changed the environment while the file was read (read.cpp), as HAProxy
  // applies them before the next line is parsed.
}

void daemon(Lowerer& lw, const Line&, size_t) { lw.global().daemon = true; }

void user(Lowerer& lw, const Line& l, size_t a) { lw.global().user = l.words[a].value; }

void pidfile(Lowerer& lw, const Line& l, size_t a) { lw.global().pidfile = l.words[a].value; }

}  // namespace pg::haproxy::handlers
