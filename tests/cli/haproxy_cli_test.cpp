// The HAProxy front end through the proxyglot binary: its keyword listing and the
// generated support matrix, the seed example.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outcome {
  int exit_code = -1;
  std::string out;
};

Outcome run(const std::string& args) {
  fs::path out = fs::temp_directory_path() / ("pg-haproxy-cli-" + std::to_string(::getpid()));
  std::string cmd = std::string(PROXYGLOT_BINARY) + " " + args + " >" + out.string() + " 2>&1";
  int status = std::system(cmd.c_str());
  Outcome r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  fs::remove(out);
  return r;
}

TEST(HaproxyCli, KeywordListingAndSupportMatrixDoc) {
  auto r = run("directives haproxy");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("option forwardfor"), std::string::npos);
  EXPECT_NE(r.out.find("stick-table"), std::string::npos);
  auto md = run("directives haproxy --markdown");
  EXPECT_EQ(md.exit_code, 0);
  // docs/haproxy-support.md is generated from the same table: it must not drift.
  EXPECT_EQ(md.out, slurp(fs::path(PROXYGLOT_SOURCE_DIR) / "docs" / "haproxy-support.md"))
      << "regenerate: build/proxyglot directives haproxy --markdown > docs/haproxy-support.md";
}

TEST(HaproxyCli, SeedExampleChecks) {
  auto c = run("check " + std::string(PROXYGLOT_SOURCE_DIR) + "/../shared/examples/seed/haproxy.cfg");
  EXPECT_EQ(c.exit_code, 0) << c.out;
}

}  // namespace
