// The subcommands. Each takes its arguments (without the command name) and returns
// the process exit code.
#pragma once

#include <string>
#include <vector>

namespace pg::cli {

inline constexpr int kOk = 0;
inline constexpr int kConfigError = 1;
inline constexpr int kUsageError = 2;

int check(const std::vector<std::string>& args);
int compile(const std::vector<std::string>& args);
int directives(const std::vector<std::string>& args);
int diff(const std::vector<std::string>& args);
int translate(const std::vector<std::string>& args);
int run(const std::vector<std::string>& args);

}  // namespace pg::cli
