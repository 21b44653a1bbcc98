#include "commands.h"

#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sys/prctl.h>
#include <unistd.h>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "compile.h"
#include "translate.h"
#include "ir/equivalence.h"
#include "ir/ir_json.h"
#include "front_ends.h"
#include "server/server.h"
#include "server/startup_error.h"
#include "server/support_check.h"

namespace pg::cli {

namespace {

// translate and diff build and drop 100s of MB of short-lived data. The allocator
// asks for transparent huge pages, and on a machine whose memory other processes have
// fragmented the kernel then compacts memory on page faults: 0.3-0.6 s of system time
// per large translation, more than the rest of its faults. Plain pages cost less here.
// (Only these commands: `run` keeps the process's defaults.)
void without_huge_pages() { ::prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); }

struct ConfigArgs {
  std::string config;
  std::optional<Dialect> dialect;
  std::string output;
  bool help = false;
};

// Parses CONFIG [--dialect D] [-o FILE]; prints the problem and returns nullopt on a
// usage error.
std::optional<ConfigArgs> parse_config_args(const char* cmd, const std::vector<std::string>& args,
                                            bool allow_output) {
  ConfigArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* opt) -> std::optional<std::string> {
      if (i + 1 >= args.size()) {
        fmt::print(stderr, "proxyglot {}: {} needs a value\n", cmd, opt);
        return std::nullopt;
      }
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      out.help = true;
    } else if (a == "--dialect" || a.rfind("--dialect=", 0) == 0) {
      auto v = a == "--dialect" ? value("--dialect") : std::optional<std::string>(a.substr(10));
      if (!v) return std::nullopt;
      out.dialect = parse_dialect(*v);
      if (!out.dialect) {
        fmt::print(stderr, "proxyglot {}: unknown dialect \"{}\" (nginx, caddy or haproxy)\n", cmd, *v);
        return std::nullopt;
      }
    } else if (allow_output && (a == "-o" || a == "--output")) {
      auto v = value("-o");
      if (!v) return std::nullopt;
      out.output = *v;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      fmt::print(stderr, "proxyglot {}: unknown option \"{}\"\n", cmd, a);
      return std::nullopt;
    } else if (out.config.empty()) {
      out.config = a;
    } else {
      fmt::print(stderr, "proxyglot {}: more than one CONFIG given\n", cmd);
      return std::nullopt;
    }
  }
  if (!out.help && out.config.empty()) {
    fmt::print(stderr, "proxyglot {}: missing CONFIG (see --help)\n", cmd);
    return std::nullopt;
  }
  return out;
}

}  // namespace

int check(const std::vector<std::string>& args) {
  auto a = parse_config_args("check", args, false);
  if (!a) return kUsageError;
  if (a->help) {
    std::fputs("usage: proxyglot check CONFIG [--dialect nginx|caddy|haproxy]\n\n"
               "Reads CONFIG and every file it includes. Prints \"CONFIG: ok\" and exits 0, or\n"
               "prints FILE:LINE:COL: error|warning: MESSAGE lines on stderr and exits 1 when\n"
               "there are errors. The dialect comes from the file name, then the content.\n",
               stdout);
    return kOk;
  }
  CompileResult r = compile_config(a->config, a->dialect);
  std::fputs(r.diags.to_string().c_str(), stderr);
  if (!r.config) return kConfigError;
  fmt::print("{}: ok\n", a->config);
  return kOk;
}

int compile(const std::vector<std::string>& args) {
  auto a = parse_config_args("compile", args, true);
  if (!a) return kUsageError;
  if (a->help) {
    std::fputs("usage: proxyglot compile CONFIG [--dialect nginx|caddy|haproxy] [-o FILE]\n\n"
               "Prints the IR of CONFIG as canonical JSON (docs/ir.md describes it), or writes\n"
               "it to FILE. Diagnostics go to stderr; exit 1 when there are errors.\n",
               stdout);
    return kOk;
  }
  CompileResult r = compile_config(a->config, a->dialect);
  std::fputs(r.diags.to_string().c_str(), stderr);
  if (!r.config) return kConfigError;
  std::string json = ir::to_canonical_json(*r.config);
  if (a->output.empty()) {
    std::fputs(json.c_str(), stdout);
    return kOk;
  }
  std::ofstream out(a->output, std::ios::binary | std::ios::trunc);
  out << json;
  if (!out) {
    fmt::print(stderr, "proxyglot compile: cannot write \"{}\"\n", a->output);
    return kConfigError;
  }
  return kOk;
}

int diff(const std::vector<std::string>& args) {
  without_huge_pages();
  std::vector<std::string> files;
  std::optional<Dialect> dialect_a, dialect_b;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs("usage: proxyglot diff A B [--dialect-a D] [--dialect-b D]\n\n"
                 "Compares what two configurations do, in any two dialects. Exits 0 when their\n"
                 "IRs are equivalent, 1 when they differ (each difference on stdout, with the\n"
                 "source line on both sides) or when either has errors. Names of pools and\n"
                 "servers, source locations, the order of independent declarations and the\n"
                 "units values were written in do not count; docs/cli.md says what does.\n",
                 stdout);
      return kOk;
    }
    if (a == "--dialect-a" || a == "--dialect-b") {
      if (i + 1 >= args.size() || !parse_dialect(args[i + 1])) {
        fmt::print(stderr, "proxyglot diff: {} needs nginx, caddy or haproxy\n", a);
        return kUsageError;
      }
      (a == "--dialect-a" ? dialect_a : dialect_b) = parse_dialect(args[++i]);
    } else if (!a.empty() && a[0] == '-') {
      fmt::print(stderr, "proxyglot diff: unknown option \"{}\"\n", a);
      return kUsageError;
    } else {
      files.push_back(a);
    }
  }
  if (files.size() != 2) {
    fmt::print(stderr, "proxyglot diff: needs two configurations, A and B (see --help)\n");
    return kUsageError;
  }
  CompileResult a = compile_config(files[0], dialect_a);
  CompileResult b = compile_config(files[1], dialect_b);
  std::fputs(a.diags.to_string().c_str(), stderr);
  std::fputs(b.diags.to_string().c_str(), stderr);
  if (!a.config || !b.config) return kConfigError;
  auto differences = ir::compare(*a.config, *b.config);
  if (differences.empty()) {
    fmt::print("{} and {} are equivalent\n", files[0], files[1]);
    return kOk;
  }
  std::fputs(ir::format_differences(differences).c_str(), stdout);
  fmt::print("{} difference{}\n", differences.size(), differences.size() == 1 ? "" : "s");
  return kConfigError;
}

namespace {

// Writes `text` to `path` so that a reader sees the old file or the whole new one, never
// a part: a temporary file in the same directory, flushed, then renamed over it.
bool write_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmp = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  int fd = mkstemp(tmp.data());
  if (fd < 0) return false;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == text.size() && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (ok) {
    std::error_code ec;
    fs::rename(tmp, target, ec);
    ok = !ec;
  }
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

}  // namespace

int translate(const std::vector<std::string>& args) {
  without_huge_pages();
  std::string config, output;
  TranslateOptions options;
  bool have_target = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto dialect_value = [&](const char* opt) -> std::optional<Dialect> {
      std::optional<Dialect> d = i + 1 < args.size() ? parse_dialect(args[i + 1]) : std::nullopt;
      if (!d) fmt::print(stderr, "proxyglot translate: {} needs nginx, caddy or haproxy\n", opt);
      else ++i;
      return d;
    };
    if (a == "--help" || a == "-h") {
      std::fputs("usage: proxyglot translate CONFIG --to nginx|caddy|haproxy [--from D] [-o FILE]\n"
                 "                           [--strict]\n\n"
                 "Writes CONFIG in another dialect, doing the same thing: on stdout, or to FILE\n"
                 "(replaced whole or not at all). The translation is compiled again and\n"
                 "compared with CONFIG; whatever the target does differently is a warning at\n"
                 "the source line (FILE:LINE:COL: warning: ...), an error with --strict.\n"
                 "Exit 0, or 1 on errors (nothing is written then). docs/translation.md lists\n"
                 "what each target keeps exactly, approximates, or cannot express.\n",
                 stdout);
      return kOk;
    }
    if (a == "--to" || a == "--from") {
      auto d = dialect_value(a.c_str());
      if (!d) return kUsageError;
      if (a == "--to") options.to = *d, have_target = true;
      else options.from = d;
    } else if (a == "--dialect") {
      auto d = dialect_value("--dialect");
      if (!d) return kUsageError;
      options.from = d;
    } else if (a == "-o" || a == "--output") {
      if (i + 1 >= args.size()) return fmt::print(stderr, "proxyglot translate: -o needs a file\n"), kUsageError;
      output = args[++i];
    } else if (a == "--strict") {
      options.strict = true;
    } else if (!a.empty() && a[0] == '-') {
      return fmt::print(stderr, "proxyglot translate: unknown option \"{}\"\n", a), kUsageError;
    } else if (config.empty()) {
      config = a;
    } else {
      return fmt::print(stderr, "proxyglot translate: more than one CONFIG given\n"), kUsageError;
    }
  }
  if (config.empty()) return fmt::print(stderr, "proxyglot translate: missing CONFIG (see --help)\n"), kUsageError;
  if (!have_target) return fmt::print(stderr, "proxyglot translate: missing --to nginx|caddy|haproxy\n"), kUsageError;

  TranslateResult r = translate_config(config, options);
  r.diags.print(stderr);
  if (!r.text) return kConfigError;
  if (output.empty()) {
    std::fputs(r.text->c_str(), stdout);
    return kOk;
  }
  if (!write_atomically(output, *r.text)) {
    fmt::print(stderr, "proxyglot translate: cannot write \"{}\": {}\n", output, std::strerror(errno));
    return kConfigError;
  }
  return kOk;
}

int run(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  runtime::RunOptions options;
  std::optional<Dialect> dialect;
  std::string config;
  std::optional<std::string> access_log;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs("usage: proxyglot run CONFIG [--dialect D] [--threads N] [--bind FROM=TO]...\n"
                 "                     [--access-log DEST] [--shutdown-timeout MS]\n\n"
                 "Serves CONFIG on the bundled runtime in the foreground, errors to stderr,\n"
                 "access logs where the config says (nginx access_log, HAProxy log with\n"
                 "option httplog, Caddy log). Prints \"listening on ADDRESS (configured\n"
                 "CONFIGURED)\" for each listener once bound. --threads: else the config's\n"
                 "worker_processes/nbthread, else one per core. --bind 0.0.0.0:80=127.0.0.1:0\n"
                 "serves a configured listener elsewhere (port 0: any free port; tests use\n"
                 "it). --access-log FILE|stderr|stdout|off sends every access log there\n"
                 "instead, in its own format. SIGTERM or SIGINT: stop accepting, finish\n"
                 "requests in flight (at most --shutdown-timeout ms, default 10000), exit 0.\n"
                 "Not yet: TLS, HTTP/2, unix sockets (see docs/runtime.md).\n",
                 stdout);
      return kOk;
    }
    if (a == "--dialect") {
      auto v = value();
      if (!v || !parse_dialect(*v)) return fmt::print(stderr, "proxyglot run: --dialect needs nginx, caddy or haproxy\n"), kUsageError;
      dialect = parse_dialect(*v);
    } else if (a == "--threads") {
      auto v = value();
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos || std::stoi(*v) < 1)
        return fmt::print(stderr, "proxyglot run: --threads needs a positive number\n"), kUsageError;
      options.threads = std::stoi(*v);
    } else if (a == "--shutdown-timeout") {
      auto v = value();
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos)
        return fmt::print(stderr, "proxyglot run: --shutdown-timeout needs milliseconds\n"), kUsageError;
      options.shutdown_timeout_ms = std::stoll(*v);
    } else if (a == "--access-log") {
      auto v = value();
      if (!v || v->empty()) return fmt::print(stderr, "proxyglot run: --access-log needs FILE, stderr, stdout or off\n"), kUsageError;
      access_log = *v;
    } else if (a == "--bind") {
      auto v = value();
      size_t eq = v ? v->find('=') : std::string::npos;
      if (eq == std::string::npos)
        return fmt::print(stderr, "proxyglot run: --bind needs FROM=TO, as 0.0.0.0:80=127.0.0.1:0\n"), kUsageError;
      options.binds[v->substr(0, eq)] = v->substr(eq + 1);
    } else if (!a.empty() && a[0] == '-') {
      return fmt::print(stderr, "proxyglot run: unknown option \"{}\"\n", a), kUsageError;
    } else if (config.empty()) {
      config = a;
    } else {
      return fmt::print(stderr, "proxyglot run: more than one CONFIG given\n"), kUsageError;
    }
  }
  if (config.empty()) return fmt::print(stderr, "proxyglot run: missing CONFIG (see --help)\n"), kUsageError;

  CompileResult r = compile_config(config, dialect);
  std::fputs(r.diags.to_string().c_str(), stderr);
  if (!r.config) return kConfigError;
  Diagnostics support;
  runtime::check_support(*r.config, support);
  std::fputs(support.to_string().c_str(), stderr);
  if (support.has_errors()) return kConfigError;

  // Signals are read from a descriptor (Server::run): block them before any worker starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    auto snapshot = std::make_shared<const runtime::Snapshot>(std::move(*r.config), access_log);
    runtime::Server server(snapshot, options);
    for (const auto& b : server.bind()) fmt::print("listening on {} (configured {})\n", b.bound, b.configured);
    std::fflush(stdout);
    server.run(signals, [](int sig) {
      fmt::print(stderr, "proxyglot: {} received, finishing requests in flight\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    });
  } catch (const runtime::StartupError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kConfigError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "proxyglot run: {}\n", e.what());
    return kConfigError;
  }
  return kOk;
}

int directives(const std::vector<std::string>& args) {
  bool markdown = false;
  Dialect dialect = Dialect::nginx;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs("usage: proxyglot directives [nginx|caddy|haproxy] [--markdown]\n\n"
                 "Lists the directives a front end supports, their contexts and arguments,\n"
                 "and the ones it recognises but does not support yet. --markdown prints the\n"
                 "support matrix of docs/DIALECT-support.md.\n",
                 stdout);
      return kOk;
    }
    if (a == "--markdown") {
      markdown = true;
    } else if (auto d = parse_dialect(a)) {
      dialect = *d;
    } else {
      fmt::print(stderr, "proxyglot directives: unknown argument \"{}\"\n", a);
      return kUsageError;
    }
  }
  const FrontEnd& fe = front_end(dialect);
  if (!fe.implemented) {
    fmt::print(stderr, "proxyglot directives: the {} front end is not implemented yet\n", dialect_name(dialect));
    return kUsageError;
  }
  std::fputs((markdown ? fe.support_matrix_markdown() : fe.directive_listing()).c_str(), stdout);
  return kOk;
}

}  // namespace pg::cli
