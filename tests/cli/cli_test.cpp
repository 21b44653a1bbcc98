// The proxyglot binary as a user runs it: subcommands, exit codes, output.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("pg-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  Outcome run(const std::string& args) {
    std::string cmd = std::string(PROXYGLOT_BINARY) + " " + args + " >" + (dir_ / "out").string() + " 2>" +
                      (dir_ / "err").string();
    int status = std::system(cmd.c_str());
    Outcome r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(dir_ / "out");
    r.err = slurp(dir_ / "err");
    return r;
  }

  fs::path dir_;
};

const char* kGood = "events {}\nhttp { server { listen 8080; location / { proxy_pass http://127.0.0.1:9000; } } }\n";

TEST_F(Cli, VersionAndHelp) {
  auto v = run("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("proxyglot ", 0), 0u);
  auto h = run("--help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("check CONFIG"), std::string::npos);
  for (const char* cmd : {"check", "compile", "diff", "directives"}) {
    auto c = run(std::string(cmd) + " --help");
    EXPECT_EQ(c.exit_code, 0) << cmd;
    EXPECT_NE(c.out.find(std::string("usage: proxyglot ") + cmd), std::string::npos) << cmd;
  }
}

TEST_F(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("").exit_code, 2);
  EXPECT_EQ(run("frobnicate").exit_code, 2);
  EXPECT_EQ(run("check").exit_code, 2);
  EXPECT_EQ(run("check a b").exit_code, 2);
  EXPECT_EQ(run("check --dialect apache x.conf").exit_code, 2);
  EXPECT_EQ(run("compile x.conf -o").exit_code, 2);
  EXPECT_EQ(run("check --bogus x.conf").exit_code, 2);
}

TEST_F(Cli, CheckOk) {
  auto p = write("nginx.conf", kGood);
  auto r = run("check " + p.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, p.string() + ": ok\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, CheckErrorsExitOneWithDiagnosticsOnStderr) {
  auto p = write("nginx.conf", "events {}\nhttp {\n  bogus;\n  server { listen 99999; }\n}\n");
  auto r = run("check " + p.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(p.string() + ":3:3: error: unknown directive \"bogus\"\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(p.string() + ":4:19: error: invalid port"), std::string::npos) << r.err;
}

TEST_F(Cli, MissingFile) {
  auto r = run("check " + (dir_ / "nope.conf").string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos);
}

TEST_F(Cli, CompileToStdoutAndFile) {
  auto p = write("site.conf", kGood);
  auto r = run("compile " + p.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\n  \"schema_version\": 1,", 0), 0u);
  auto o = dir_ / "ir.json";
  auto w = run("compile " + p.string() + " -o " + o.string());
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(w.out, "");
  EXPECT_EQ(slurp(o), r.out);
}

TEST_F(Cli, DialectFromNameContentOrFlag) {
  auto txt = write("proxy.txt", kGood);  // no telling name: the content says nginx
  EXPECT_EQ(run("check " + txt.string()).exit_code, 0);
  auto odd = write("odd.txt", "hello\n");
  auto r = run("check " + odd.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot tell the dialect"), std::string::npos);
  EXPECT_EQ(run("check --dialect nginx " + odd.string()).exit_code, 1);  // "hello" is no directive
  auto cfg = write("haproxy.cfg", "global\n  frobnicate\n");  // the name says HAProxy
  auto h = run("check " + cfg.string());
  EXPECT_EQ(h.exit_code, 1);
  EXPECT_NE(h.err.find("unknown keyword 'frobnicate' in 'global' section"), std::string::npos) << h.err;
  auto forced = write("weird.cfg", kGood);
  EXPECT_EQ(run("check --dialect=nginx " + forced.string()).exit_code, 0);
}

TEST_F(Cli, DirectivesListingAndSupportMatrixDoc) {
  auto r = run("directives");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("proxy_pass"), std::string::npos);
  EXPECT_NE(r.out.find("not supported yet"), std::string::npos);
  auto md = run("directives nginx --markdown");
  EXPECT_EQ(md.exit_code, 0);
  // docs/nginx-support.md is generated from the same table: it must not drift.
  EXPECT_EQ(md.out, slurp(fs::path(PROXYGLOT_SOURCE_DIR) / "docs" / "nginx-support.md"))
      << "regenerate: build/proxyglot directives nginx --markdown > docs/nginx-support.md";
}

TEST_F(Cli, DiffExitCodesAndOutput) {
  auto a = write("a.conf", kGood);
  auto same = write("same.conf", "events {}\nhttp {\n  server {\n    listen 8080;\n    location / {\n"
                                 "      proxy_pass http://127.0.0.1:9000;\n    }\n  }\n}\n");
  auto r = run("diff " + a.string() + " " + same.string());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, a.string() + " and " + same.string() + " are equivalent\n");
  auto other = write("b.conf", "events {}\nhttp { server { listen 8080; location / { proxy_pass http://127.0.0.1:9001; } } }\n");
  auto d = run("diff " + a.string() + " " + other.string());
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_NE(d.out.find(a.string() + ":2: virtual host (any name) on 0.0.0.0:8080: route always: "
                       "action.proxy.pool.servers.127.0.0.1:9000 only in A"),
            std::string::npos) << d.out;
  EXPECT_NE(d.out.find("2 differences\n"), std::string::npos) << d.out;
  auto bad = write("bad.conf", "events {}\nhttp { nope; }\n");
  auto e = run("diff " + a.string() + " " + bad.string());
  EXPECT_EQ(e.exit_code, 1);
  EXPECT_NE(e.err.find("unknown directive \"nope\""), std::string::npos);
  EXPECT_EQ(run("diff " + a.string()).exit_code, 2);
  EXPECT_EQ(run("diff --dialect-a apache " + a.string() + " " + a.string()).exit_code, 2);
}

TEST_F(Cli, CaddyDirectivesListingAndSupportMatrixDoc) {
  auto r = run("directives caddy");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("reverse_proxy"), std::string::npos);
  EXPECT_NE(r.out.find("encode"), std::string::npos);
  EXPECT_NE(r.out.find("not supported yet"), std::string::npos);
  auto md = run("directives caddy --markdown");
  EXPECT_EQ(md.exit_code, 0);
  // docs/caddy-support.md is generated from the same table: it must not drift.
  EXPECT_EQ(md.out, slurp(fs::path(PROXYGLOT_SOURCE_DIR) / "docs" / "caddy-support.md"))
      << "regenerate: build/proxyglot directives caddy --markdown > docs/caddy-support.md";
}

TEST_F(Cli, CaddySeedExamplesCheckAndCaddyDiagnosticsExitOne) {
  for (const char* seed : {"basic", "lb", "paths"}) {
    auto c = run("check " + std::string(PROXYGLOT_SOURCE_DIR) + "/../shared/examples/seed/" + seed + ".Caddyfile");
    EXPECT_EQ(c.exit_code, 0) << seed << ": " << c.err;
  }
  auto bad = write("Caddyfile", "a.com {\n\tencode gzip\n}\n");
  auto r = run("check " + bad.string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Caddyfile:2:2: error: encode is not supported by proxyglot yet"), std::string::npos) << r.err;
}

TEST_F(Cli, BundledExamplesCheck) {
  for (const char* example : {"examples/nginx.conf", "examples/demo/nginx.conf"}) {
    auto c = run("check " + std::string(PROXYGLOT_SOURCE_DIR) + "/" + example);
    EXPECT_EQ(c.exit_code, 0) << example << ": " << c.err;
  }
}

TEST_F(Cli, SeedExampleChecks) {
  auto c = run("check " + std::string(PROXYGLOT_SOURCE_DIR) + "/../shared/examples/seed/nginx.conf");
  EXPECT_EQ(c.exit_code, 0) << c.err;
}

}  // namespace
