// The global options block.
#include <fmt/format.h>

#include "caddy/handlers.h"
#include "caddy/values.h"

namespace pg::caddy::handlers {

void admin(Lowerer& l, const Call& c) {
  l.diags.warning(c.node.loc, "admin: the admin endpoint is not part of the IR (proxyglot's runtime has its own)");
}

void auto_https(Lowerer& l, const Call& c) {
  const std::string& v = c.args[0].value;
  if (v != "off" && v != "disable_redirects" && v != "disable_certs" && v != "ignore_loaded_certs") {
    l.error(c.args[0].loc, fmt::format("auto_https must be one of 'off', 'disable_redirects', 'disable_certs', or 'ignore_loaded_certs'"));
    return;
  }
  l.globals.auto_https = v;
}

namespace {

void port(Lowerer& l, const Call& c, int& out) {
  auto p = parse_int(c.args[0].value);
  if (!p || *p == 0 || *p > 65535) {
    l.error(c.args[0].loc, fmt::format("Converting port '{}' to integer value: invalid port", c.args[0].value));
    return;
  }
  out = *p;
}

}  // namespace

void http_port(Lowerer& l, const Call& c) { port(l, c, l.globals.http_port); }
void https_port(Lowerer& l, const Call& c) { port(l, c, l.globals.https_port); }

void debug(Lowerer& l, const Call& c) {
  l.config.globals.error_logs.push_back(ir::LogTarget{c.node.loc, "stderr", "debug"});
}

void local_certs(Lowerer&, const Call&) {}  // the IR's generated certificates are local ones

void email(Lowerer& l, const Call& c) {
  l.diags.warning(c.node.loc, "email: an ACME account is not part of the IR (certificates are made locally)");
}

// Caddy's default logger carries its errors: the IR's error log.
void global_log(Lowerer& l, const Call& c) {
  ir::AccessLog target{c.node.loc, "stderr", ""};
  std::string level = "info";
  if (c.node.has_block) {
    l.log_block = &target;
    l.log_level = &level;
    l.walk(c.node.block, kLog);
    l.log_block = nullptr;
    l.log_level = nullptr;
  }
  l.config.globals.error_logs.push_back(ir::LogTarget{c.node.loc, target.path, level});
}

void servers(Lowerer& l, const Call& c) {
  if (!c.args.empty()) {
    l.error(c.args[0].loc, "servers for one listener address is not supported by proxyglot yet");
    return;
  }
  l.walk(c.node.block, kServers);
}

void servers_protocols(Lowerer& l, const Call& c) {
  l.globals.http2 = false;
  l.globals.h2c = false;
  for (const auto& a : c.args) {
    if (a.value == "h2") l.globals.http2 = true;
    else if (a.value == "h2c") l.globals.h2c = true;
    else if (a.value == "h3") l.error(a.loc, "protocol h3 is not supported by proxyglot yet");
    else if (a.value != "h1") l.error(a.loc, fmt::format("unsupported protocol '{}'", a.value));
  }
}

}  // namespace pg::caddy::handlers
