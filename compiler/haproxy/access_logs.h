// HAProxy's traffic logs in the IR: where a `log` line sends them and the line
// `option httplog` (or HAProxy's default format) writes, per frontend.
#pragma once

#include <string>

#include "ir/ir.h"

namespace pg::haproxy {

// "httplog:<frontend>" or "haproxy_default:<frontend>": the formats the access logs
// of a frontend's routes name.
std::string access_log_format_name(bool httplog, const std::string& frontend);

// The format a name from access_log_format_name() stands for.
ir::LogFormat access_log_format(const std::string& name);

}  // namespace pg::haproxy
