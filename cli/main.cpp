// proxyglot: one executable, subcommands. Exit codes: 0 ok, 1 configuration errors,
// 2 usage errors.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

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
    "  directives [DIALECT] list the directives a front end supports\n"
    "\n"
    "options:\n"
    "  --help              help for proxyglot or a command\n"
    "  --version           print the version\n"
    "\n"
    "Run 'proxyglot COMMAND --help' for a command's options.\n";

}  // namespace

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
  if (cmd == "check") return pg::cli::check(args);
  if (cmd == "compile") return pg::cli::compile(args);
  if (cmd == "directives") return pg::cli::directives(args);
  std::fprintf(stderr, "proxyglot: unknown command \"%s\"\n\n%s", cmd.c_str(), kUsage);
  return pg::cli::kUsageError;
}
