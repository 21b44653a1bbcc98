// The template variables an access log reads once the response is sent, formatted as
// the products print them: nginx's seconds with milliseconds ("0.004"), its local
// and ISO 8601 times, HAProxy's millisecond timers (part value "ms", -1 for a step
// that did not happen) and its request date with milliseconds (time_local "ms").
#include <ctime>

#include <fmt/format.h>

#include "eval/evaluator.h"
#include "server/host_name.h"

namespace pg::runtime {

namespace {

std::tm local_time(int64_t unix_us) {
  std::time_t secs = static_cast<std::time_t>(unix_us / 1000000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return tm;
}

// "+0000" as strftime's %z prints it, or "+00:00" (ISO 8601) with a colon.
std::string zone(const std::tm& tm, bool colon) {
  long off = tm.tm_gmtoff / 60;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  return colon ? fmt::format("{}{:02}:{:02}", sign, off / 60, off % 60) : fmt::format("{}{:02}{:02}", sign, off / 60, off % 60);
}

void append_duration(std::string& out, int64_t us, const std::string& unit) {
  if (unit == "ms") {
    out += us < 0 ? "-1" : fmt::format("{}", us / 1000);
  } else {
    out += us < 0 ? "-" : fmt::format("{}.{:03}", us / 1000000, (us / 1000) % 1000);
  }
}

}  // namespace

void Evaluator::append_outcome(std::string& out, const ir::TemplatePart& p, const ir::RequestView& r) {
  using V = ir::Var;
  const auto& o = r.outcome;
  const int64_t end_us = o.started_unix_us + o.duration_us;  // when the log line is written
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  switch (p.var) {
    case V::request_line: out += o.request_line; break;
    case V::status: out += fmt::format("{}", o.status); break;
    case V::body_bytes_sent: out += fmt::format("{}", o.body_bytes_sent); break;
    case V::bytes_sent: out += fmt::format("{}", o.bytes_sent); break;
    case V::request_length: out += fmt::format("{}", o.request_length); break;
    case V::request_time:
      append_duration(out, p.value == "header_ms" ? o.header_us : o.duration_us, p.value == "header_ms" ? "ms" : p.value);
      break;
    case V::time_local: {
      // nginx: "27/Nov/2026:21:30:00 +0000" when written; HAProxy ("ms"): the request's
      // start, "27/Nov/2026:21:30:00.123".
      const int64_t at = p.value == "ms" ? o.started_unix_us : end_us;
      std::tm tm = local_time(at);
      out += fmt::format("{:02}/{}/{}:{:02}:{:02}:{:02}", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
                         tm.tm_hour, tm.tm_min, tm.tm_sec);
      out += p.value == "ms" ? fmt::format(".{:03}", (at / 1000) % 1000) : " " + zone(tm, false);
      break;
    }
    case V::time_iso8601: {
      std::tm tm = local_time(end_us);
      out += fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                         tm.tm_hour, tm.tm_min, tm.tm_sec, zone(tm, true));
      break;
    }
    case V::msec: out += fmt::format("{}.{:03}", end_us / 1000000, (end_us / 1000) % 1000); break;
    case V::upstream_status: out += o.upstream_status.empty() ? "-" : o.upstream_status; break;
    case V::upstream_response_time: append_duration(out, o.upstream_response_us, p.value); break;
    case V::upstream_connect_time: append_duration(out, o.upstream_connect_us, p.value); break;
    case V::upstream_header_time: append_duration(out, o.upstream_header_us, p.value); break;
    case V::upstream_pool: out += o.upstream_pool.empty() ? "-" : o.upstream_pool; break;
    case V::upstream_name: out += o.upstream_name.empty() ? "-" : o.upstream_name; break;
    case V::upstream_retries: out += fmt::format("{}", o.upstream_retries); break;
    case V::connection_id: out += fmt::format("{}", o.connection_id); break;
    case V::connections_active: out += fmt::format("{}", o.connections_active); break;
    case V::hostname: out += host_name(); break;
    default: break;
  }
}

}  // namespace pg::runtime
