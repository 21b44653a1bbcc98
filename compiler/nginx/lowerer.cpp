// The table-driven walk: one dispatcher gives every directive the same checks
// (known, allowed here, arity, block, duplicate) before its handler runs.
#include "nginx/lowerer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <fmt/format.h>

#include "nginx/directive_table.h"

namespace pg::nginx {

Settings merge(const Settings& in, const Settings& out) {
  Settings m = in;
  auto take = [](auto& field, const auto& parent) {
    if (!field) field = parent;
  };
  take(m.proxy_headers, out.proxy_headers);
  take(m.grpc_headers, out.grpc_headers);
  take(m.add_headers, out.add_headers);
  take(m.proxy_http_version, out.proxy_http_version);
  take(m.connect_timeout, out.connect_timeout);
  take(m.send_timeout, out.send_timeout);
  take(m.read_timeout, out.read_timeout);
  take(m.buffering, out.buffering);
  take(m.buffer_size, out.buffer_size);
  take(m.buffers, out.buffers);
  take(m.next_upstream, out.next_upstream);
  take(m.next_upstream_tries, out.next_upstream_tries);
  take(m.next_upstream_timeout, out.next_upstream_timeout);
  take(m.proxy_redirect, out.proxy_redirect);
  take(m.client_max_body_size, out.client_max_body_size);
  take(m.keepalive_timeout, out.keepalive_timeout);
  take(m.default_type, out.default_type);
  take(m.access_logs, out.access_logs);
  take(m.error_pages, out.error_pages);
  take(m.access, out.access);
  take(m.real_ip_from, out.real_ip_from);
  take(m.real_ip_header, out.real_ip_header);
  take(m.real_ip_recursive, out.real_ip_recursive);
  if (!m.ssl_certificates) m.ssl_certificate_loc = out.ssl_certificate_loc;
  take(m.ssl_certificates, out.ssl_certificates);
  take(m.ssl_certificate_keys, out.ssl_certificate_keys);
  take(m.ssl_protocols, out.ssl_protocols);
  take(m.absolute_redirect, out.absolute_redirect);
  take(m.request_buffering, out.request_buffering);
  take(m.hide_headers, out.hide_headers);
  take(m.grpc_connect_timeout, out.grpc_connect_timeout);
  take(m.grpc_send_timeout, out.grpc_send_timeout);
  take(m.grpc_read_timeout, out.grpc_read_timeout);
  take(m.client_header_buffer_size, out.client_header_buffer_size);
  take(m.large_client_header_buffers, out.large_client_header_buffers);
  take(m.client_header_timeout, out.client_header_timeout);
  take(m.client_body_timeout, out.client_body_timeout);
  take(m.client_send_timeout, out.client_send_timeout);
  return m;
}

void Lowerer::error(const Directive& d, const std::string& message) {
  diags_.error(report_loc(d), message);
}

void Lowerer::warning(const Directive& d, const std::string& message) {
  diags_.warning(report_loc(d), message);
}

SourceLoc Lowerer::arg_loc(const Directive& d, size_t i) const {
  SourceLoc at = report_loc(d);
  if (i < d.args.size() && d.args[i].loc.line == at.line) return d.args[i].loc;
  return at;
}

void Lowerer::arg_error(const Directive& d, size_t i, const std::string& message) {
  diags_.error(arg_loc(d, i), message);
}

void Lowerer::invalid_value(const Directive& d, size_t i) {
  arg_error(d, i, fmt::format("\"{}\" directive invalid value \"{}\"", d.name,
                              i < d.args.size() ? d.args[i].value : ""));
}

Opt<ir::Template> Lowerer::tmpl(const Directive& d, size_t i) {
  return lower_template(d.args[i].value, arg_loc(d, i), names_, diags_);
}

Opt<ir::Template> Lowerer::tmpl(const std::string& text, const SourceLoc& at) {
  return lower_template(text, at, names_, diags_);
}

bool Lowerer::check_regex(const Directive& d, size_t i, const std::string& regex, bool caseless) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(regex.data()), regex.size(),
                                 caseless ? PCRE2_CASELESS : 0, &code, &offset, nullptr);
  if (re) {
    pcre2_code_free(re);
    return true;
  }
  PCRE2_UCHAR buf[256];
  pcre2_get_error_message(code, buf, sizeof buf);
  arg_error(d, i, fmt::format("pcre2_compile() failed: {} in \"{}\" at \"{}\"",
                              reinterpret_cast<const char*>(buf), regex,
                              regex.substr(std::min<size_t>(offset, regex.size()))));
  return false;
}

void Lowerer::walk(const std::vector<Directive>& directives, Frame frame) {
  stack_.push_back(std::move(frame));
  for (const auto& d : directives) dispatch(d);
  stack_.pop_back();
}

void Lowerer::dispatch(const Directive& d) {
  Frame& f = frame();
  const DirectiveSpec* spec = find_directive(d.name, f.ctx);
  if (!spec) {
    error(d, fmt::format("unknown directive \"{}\"", d.name));
    return;
  }
  if (!spec->handler) {
    error(d, fmt::format("\"{}\" directive is not supported by proxyglot yet", d.name));
    return;
  }
  if (!(spec->contexts & f.ctx)) {
    error(d, fmt::format("\"{}\" directive is not allowed here", d.name));
    return;
  }
  if (spec->block && !d.has_block) {
    error(d, fmt::format("directive \"{}\" has no opening \"{{\"", d.name));
    return;
  }
  if (!spec->block && d.has_block) {
    error(d, fmt::format("directive \"{}\" is not terminated by \";\"", d.name));
    return;
  }
  int n = static_cast<int>(d.args.size());
  if (n < spec->min_args || (spec->max_args != kMany && n > spec->max_args)) {
    error(d, fmt::format("invalid number of arguments in \"{}\" directive", d.name));
    return;
  }
  if (!spec->repeatable && !f.seen.insert(d.name).second) {
    error(d, fmt::format("\"{}\" directive is duplicate", d.name));
    return;
  }
  spec->handler(*this, d);
}

}  // namespace pg::nginx
