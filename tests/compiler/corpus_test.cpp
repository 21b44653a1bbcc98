// Every corpus configuration (tests/corpus/<dialect>) and every seed example compile
// to their golden IR. PROXYGLOT_UPDATE_GOLDENS=1 rewrites the goldens; review the diff.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compile.h"
#include "front_ends.h"
#include "ir/ir_json.h"
#include "support/nginx_fixture.h"

namespace pg::test {
namespace {

namespace fs = std::filesystem;

// Goldens name files relative to the repository root.
struct InRepoRoot {
  InRepoRoot() { EXPECT_EQ(::chdir(PROXYGLOT_SOURCE_DIR), 0); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_golden(const std::string& config, const fs::path& golden) {
  CompileResult r = compile_config(config, std::nullopt);
  ASSERT_TRUE(r.config) << r.diags.to_string();
  for (const auto& d : r.diags.all())
    EXPECT_NE(d.severity, Severity::error) << format_diagnostic(d);
  std::string json = ir::to_canonical_json(*r.config);
  if (std::getenv("PROXYGLOT_UPDATE_GOLDENS")) {
    std::ofstream(golden, std::ios::binary) << json;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " missing: run with PROXYGLOT_UPDATE_GOLDENS=1";
  std::string want = slurp(golden);
  if (json == want) return;
  // Point at the first differing line instead of dumping two large documents.
  std::istringstream a(json), b(want);
  std::string la, lb;
  int line = 1;
  while (std::getline(a, la) && std::getline(b, lb) && la == lb) ++line;
  FAIL() << config << ": IR differs from " << golden << " at line " << line << ":\n  got:  " << la
         << "\n  want: " << lb;
}

// Corpus files by dialect: tests/corpus/<dialect>/*.<extension>.
const std::vector<std::pair<std::string, std::string>>& corpus_kinds() {
  static const std::vector<std::pair<std::string, std::string>> kinds = {
      {"nginx", ".conf"}, {"caddy", ".Caddyfile"}, {"haproxy", ".cfg"}};
  return kinds;
}

std::vector<std::string> corpus(const std::string& only = "") {
  InRepoRoot root;
  std::vector<std::string> out;
  for (const auto& [dialect, ext] : corpus_kinds()) {
    if (!only.empty() && only != dialect) continue;
    fs::path dir = fs::path("tests/corpus") / dialect;
    if (!fs::exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ext) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name(const std::string& path) {
  fs::path p(path);
  std::string n = p.parent_path().filename().string() + "_" + p.stem().string();
  std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return n;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, MatchesGolden) {
  InRepoRoot root;
  fs::path conf = GetParam();
  check_golden(conf.string(), fs::path(conf).replace_extension(".json"));
}

INSTANTIATE_TEST_SUITE_P(All, Corpus, ::testing::ValuesIn(corpus()),
                         [](const auto& info) { return test_name(info.param); });

TEST(Corpus, HasAtLeast25NginxConfigs) { EXPECT_GE(corpus("nginx").size(), 25u); }
TEST(Corpus, HasAtLeast25CaddyConfigs) { EXPECT_GE(corpus("caddy").size(), 25u); }
TEST(Corpus, HasAtLeast25HaproxyConfigs) { EXPECT_GE(corpus("haproxy").size(), 25u); }

// The guide's examples (../shared/examples/seed), each against its golden
// tests/corpus/<dialect>/seed-<name>.json.
std::vector<std::string> seeds() {
  InRepoRoot root;
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator("../shared/examples/seed")) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

class Seed : public ::testing::TestWithParam<std::string> {};

TEST_P(Seed, MatchesGolden) {
  InRepoRoot root;
  fs::path seed = GetParam();
  std::string text = slurp(seed);
  auto dialect = detect_dialect(seed.string(), text);
  ASSERT_TRUE(dialect) << seed;
  if (!front_end(*dialect).implemented)
    GTEST_SKIP() << "the " << dialect_name(*dialect) << " front end is not implemented yet";
  check_golden(seed.string(), fs::path("tests/corpus") / std::string(dialect_name(*dialect)) /
                                  ("seed-" + seed.stem().string() + ".json"));
}

INSTANTIATE_TEST_SUITE_P(Shared, Seed, ::testing::ValuesIn(seeds()),
                         [](const auto& info) { return test_name(info.param); });

// What the guide's example says, read back from the IR.
TEST(SeedNginx, MeansWhatTheGuideSays) {
  InRepoRoot root;
  CompileResult r = compile_config("../shared/examples/seed/nginx.conf", std::nullopt);
  ASSERT_TRUE(r.config) << r.diags.to_string();
  const ir::Config& c = *r.config;

  const ir::Pool* app = nullptr;
  for (const auto& p : c.pools)
    if (p.name == "app_servers") app = &p;
  ASSERT_NE(app, nullptr);
  ASSERT_EQ(app->servers.size(), 3u);
  EXPECT_EQ(app->servers[0].weight, 3);
  EXPECT_EQ(app->servers[1].weight, 1);
  EXPECT_TRUE(app->servers[2].backup);
  EXPECT_EQ(app->keepalive.max_idle, 32);
  EXPECT_EQ(app->balancing.policy, ir::Balance::round_robin);

  ASSERT_EQ(c.virtual_hosts.size(), 2u);
  const auto& root_route = route_named(c, "location /", 0);
  const auto& h = root_route.request_headers;
  auto value = [&](const std::string& name) {
    for (const auto& op : h)
      if (op.name == name) return render(op.value);
    return std::string("<absent>");
  };
  EXPECT_EQ(value("Host"), "${host}");
  EXPECT_EQ(value("X-Real-IP"), "${client_address}");
  EXPECT_EQ(value("X-Forwarded-For"), "${forwarded_for_appended}");
  EXPECT_EQ(value("X-Forwarded-Proto"), "${scheme}");
  const auto& p = *root_route.action.proxy;
  EXPECT_EQ(p.timeouts.connect_ms, 5000);
  EXPECT_EQ(p.timeouts.send_ms, 60000);
  EXPECT_EQ(p.timeouts.read_ms, 60000);
  EXPECT_TRUE(p.buffering.response);
  EXPECT_EQ(p.buffering.header_buffer_bytes, 4096);
  EXPECT_EQ(p.buffering.body_buffers, 8);
  EXPECT_EQ(p.buffering.body_buffer_bytes, 4096);

  const auto& ws = *route_named(c, "location /ws/", 0).action.proxy;
  EXPECT_TRUE(ws.upgrade);
  EXPECT_EQ(ws.protocol, ir::UpstreamProtocol::http1_1);
  EXPECT_EQ(ws.timeouts.read_ms, 3600000);
  EXPECT_EQ(route_for(c, "/ws/chat", 0), "location /ws/");

  const auto& grpc = route_named(c, "location /", 1);
  ASSERT_TRUE(grpc.action.proxy);
  EXPECT_EQ(grpc.action.proxy->protocol, ir::UpstreamProtocol::grpc);
  ASSERT_EQ(grpc.error_pages.size(), 1u);
  EXPECT_EQ(grpc.error_pages[0].codes, std::vector<int>{502});
  EXPECT_EQ(grpc.error_pages[0].status_mode, ir::ErrorStatus::from_target);
  EXPECT_EQ(render(grpc.error_pages[0].target), "/error502grpc");
  const auto& err = route_named(c, "location = /error502grpc", 1);
  EXPECT_TRUE(err.internal);
  EXPECT_EQ(err.default_type, "application/grpc");
  EXPECT_EQ(err.action.respond->status, 204);
  ASSERT_EQ(err.response_headers.size(), 2u);
  EXPECT_EQ(err.response_headers[0].name, "grpc-status");
  EXPECT_EQ(render(err.response_headers[0].value), "14");
  EXPECT_TRUE(c.listeners[static_cast<size_t>(c.virtual_hosts[1].listeners[0])].http2);
}

}  // namespace
}  // namespace pg::test
