// Access-log lines as each escaping renders them, and the response-time values in the
// units the products print.
#include <gtest/gtest.h>

#include <cstdlib>

#include "eval/evaluator.h"
#include "logging/access_logs.h"
#include "support/nginx_fixture.h"

namespace pg::runtime {
namespace {

// 2026-11-27 21:30:05.250 UTC, 4.5 ms long.
ir::RequestView finished() {
  ir::RequestView r;
  r.client_address = "203.0.113.9";
  r.headers = {{"User-Agent", "say \"hi\"\\\x01"}};
  r.outcome.request_line = "GET /a?b HTTP/1.1";
  r.outcome.status = 502;
  r.outcome.started_unix_us = 1795815005250000;
  r.outcome.duration_us = 4500;
  r.outcome.body_bytes_sent = 157;
  r.outcome.bytes_sent = 300;
  r.outcome.upstream_connect_us = 1200;
  return r;
}

std::string line(const char* format_directive, ir::RequestView r) {
  setenv("TZ", "UTC", 1);
  auto c = test::compile_nginx(std::string("events {} http { ") + format_directive + " server { listen 80; } }");
  EXPECT_TRUE(c.config) << c.errors();
  Evaluator ev(*c.config);
  return AccessLogs::render(c.config->log_formats.back(), r, ev);
}

TEST(AccessLogFormat, NginxCombinedEscapesAndDashes) {
  EXPECT_EQ(line("", finished()),
            "203.0.113.9 - - [27/Nov/2026:21:30:05 +0000] \"GET /a?b HTTP/1.1\" 502 157 \"-\" "
            "\"say \\x22hi\\x22\\x5C\\x01\"");
}

TEST(AccessLogFormat, JsonEscapingKeepsEmptyValuesEmpty) {
  EXPECT_EQ(line("log_format j escape=json '{\"ua\":\"$http_user_agent\",\"ref\":\"$http_referer\"}';", finished()),
            "{\"ua\":\"say \\\"hi\\\"\\\\\\u0001\",\"ref\":\"\"}");
}

TEST(AccessLogFormat, TimesAndDurations) {
  EXPECT_EQ(line("log_format t escape=none '$request_time $upstream_connect_time $upstream_header_time $msec "
                 "$time_iso8601 $bytes_sent';",
                 finished()),
            "0.004 0.001 - 1795815005.254 2026-11-27T21:30:05+00:00 300");
}

TEST(AccessLogFormat, MillisecondTimersForHaproxy) {
  ir::LogFormat f;
  f.escape = ir::LogEscape::none;
  f.format.parts = {{ir::Var::time_local, "ms"}, {ir::Var::literal, " "}, {ir::Var::upstream_connect_time, "ms"},
                    {ir::Var::literal, "/"}, {ir::Var::upstream_header_time, "ms"}, {ir::Var::literal, "/"},
                    {ir::Var::request_time, "ms"}, {ir::Var::literal, " "}, {ir::Var::upstream_name, ""}};
  setenv("TZ", "UTC", 1);
  ir::Config empty;
  Evaluator ev(empty);
  auto r = finished();
  EXPECT_EQ(AccessLogs::render(f, r, ev), "27/Nov/2026:21:30:05.250 1/-1/4 -");
}

}  // namespace
}  // namespace pg::runtime
