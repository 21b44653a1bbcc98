// proxyglot: one executable, subcommands. Exit codes: 0 ok, 1 configuration errors,
// 2 usage errors.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <mimalloc.h>

#include "commands.h"

namespace {

constexpr const char* kUsage =
    "usage: proxyglot <command> [options]\n"
    "\n"
    "Reads nginx, Caddyfile and HAProxy configurations into one IR.\n"
    "\n"
    "commands:\n"
    "  check CONFIG        report problems; prints \"CONFIG: ok\" when there are none\n"
    "  compile CONFIG      print the IR as canonical JSON\n"
    "  diff A B            compare what two configurations do (any two dialects)\n"
    "  translate CONFIG --to D  write CONFIG in another dialect\n"
    "  run CONFIG          serve CONFIG on the bundled runtime (HTTP/1.1)\n"
    "  directives [DIALECT] list the directives a front end supports\n"
    "\n"
    "options:\n"
    "  --help              help for proxyglot or a command\n"
    "  --version           print the version\n"
    "\n"
    "Run 'proxyglot COMMAND --help' for a command's options.\n";

}  // namespace

// 2 MiB pages: a large configuration otherwise spends a fifth of `check` in page
// faults. Set before any static initialiser allocates; MIMALLOC_LARGE_OS_PAGES=0 in
// the environment still turns it off.
__attribute__((constructor(101))) static void use_large_pages() {
  if (!std::getenv("MIMALLOC_LARGE_OS_PAGES")) mi_option_set_enabled(mi_option_large_os_pages, true);
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return pg::cli::kUsageError;
  }
  const std::string cmd = args.front();
  args.erase(args.begin());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "--version" || cmd == "-V") {
    std::printf("proxyglot %s\n", PROXYGLOT_VERSION);
    return 0;
  }
  int rc = -1;
  if (cmd == "check") rc = pg::cli::check(args);
  else if (cmd == "compile") rc = pg::cli::compile(args);
  else if (cmd == "directives") rc = pg::cli::directives(args);
  else if (cmd == "diff") rc = pg::cli::diff(args);
  else if (cmd == "translate") rc = pg::cli::translate(args);
  else if (cmd == "run") rc = pg::cli::run(args);
  if (rc >= 0) {
    // The work is done and written: skip tearing down the parser runtime's static
    // caches and the IR, which took a tenth of a large `check`.
    std::fflush(nullptr);
    std::_Exit(rc);
  }
  std::fprintf(stderr, "proxyglot: unknown command \"%s\"\n\n%s", cmd.c_str(), kUsage);
  return pg::cli::kUsageError;
}
