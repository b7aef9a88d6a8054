// The command line as a user runs it: the real binary, a temp config and DB.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/daemon/daemon_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.file("rolecall.yaml");
    std::ofstream(config_) << test_config_yaml();
    env_ = {{"ROLECALL_DB", dir_.file("cli.db")}};
  }
  CommandResult run(std::vector<std::string> args, const std::string& in = {}) {
    args.push_back("--config");
    args.push_back(config_);
    return run_rolecall(args, env_, in);
  }
  TempDir dir_;
  std::string config_;
  std::map<std::string, std::string> env_;
};

TEST_F(CliTest, AskNamesThePersonAndTheReason) {
  auto r = run({"ask", "can", "the", "product", "manager", "sign", "off", "the", "AC?"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("Product Owner"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Tom"), std::string::npos) << r.out;
  auto combined = run({"ask", "--team", "growth", "who sets the pricing of the pro tier?"});
  ASSERT_EQ(combined.status, 0) << combined.err;
  EXPECT_NE(combined.out.find("Ana"), std::string::npos);
  EXPECT_NE(combined.out.find("Product Manager"), std::string::npos);
  auto unknown = run({"ask", "--team", "nope", "who owns pricing"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("checkout"), std::string::npos);
}

TEST_F(CliTest, ClassifyJsonlAnswersEveryGoodLineInOrderAndFlagsBadOnes) {
  auto r = run({"classify", "--jsonl"},
               "{\"id\":1,\"text\":\"can we pull the login bug into this sprint?\"}\n"
               "this is not json\n"
               "{\"id\":\"b\",\"text\":\"we should reposition for enterprise buyers\"}\n"
               "{\"id\":3}\n"
               "{\"id\":4,\"text\":\"thanks!\"}\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 4"), std::string::npos) << r.err;
  std::istringstream lines(r.out);
  std::vector<json> out;
  for (std::string l; std::getline(lines, l);) out.push_back(json::parse(l));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["id"], 1);
  EXPECT_EQ(out[0]["intent"], "request");
  EXPECT_EQ(out[0]["role"], "product_owner");
  EXPECT_EQ(out[1]["id"], "b");
  EXPECT_EQ(out[1]["role"], "product_manager");
  EXPECT_EQ(out[2]["intent"], "other");
  EXPECT_EQ(out[2]["role"], "none");
  for (auto& o : out) {
    EXPECT_GE(o["confidence"].get<double>(), 0.0);
    EXPECT_LE(o["confidence"].get<double>(), 1.0);
  }
}

TEST_F(CliTest, CheckConfigReportsEveryProblemWithFileLineColumn) {
  const std::string bad = dir_.file("bad.yaml");
  std::ofstream(bad)
      << "server:\n  listen: \"127.0.0.1:8080\"\n  thredas: 4\n"
      << "product_teams:\n  - id: a\n    name: A\n    product_managers: [{name: X}]\n"
      << "    digest: {time_zone: Mars/Olympus}\n"
      << "default_team: nope\n";
  auto r = run_rolecall({"check-config", "--config", bad}, env_);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("bad.yaml:3:"), std::string::npos) << r.err;  // the typo
  EXPECT_NE(r.err.find("Mars/Olympus"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  auto good = run({"check-config"});
  EXPECT_EQ(good.status, 0) << good.err;
  // serve refuses to start with the bad file.
  auto serve = run_rolecall({"serve", "--config", bad}, env_);
  EXPECT_NE(serve.status, 0);
}

TEST_F(CliTest, ShippedExampleConfigIsValid) {
  auto r = run_rolecall({"check-config", "--config",
                         std::string(ROLECALL_SOURCE_DIR) + "/config/rolecall.example.yaml"},
                        env_);
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(CliTest, DecisionsAddListAndFormats) {
  auto add = run({"decisions", "add", "--team", "checkout", "--by", "sam", "We", "move", "the",
                  "pro", "tier", "price", "to", "29", "euros"});
  ASSERT_EQ(add.status, 0) << add.err;
  EXPECT_NE(add.out.find("product_manager"), std::string::npos) << add.out;
  auto add2 = run({"decisions", "add", "--role", "product_owner", "Sprint 12 goal: refunds"});
  ASSERT_EQ(add2.status, 0) << add2.err;
  auto j = run({"decisions", "list", "--format", "json"});
  ASSERT_EQ(j.status, 0) << j.err;
  auto rows = json::parse(j.out);
  ASSERT_EQ(rows.size(), 2u);
  auto po = run({"decisions", "list", "--role", "product_owner", "--format", "csv"});
  EXPECT_NE(po.out.find("Sprint 12 goal"), std::string::npos);
  EXPECT_EQ(po.out.find("pro tier"), std::string::npos);
  auto table = run({"decisions", "list", "--since", "1d"});
  EXPECT_NE(table.out.find("decided_by"), std::string::npos);
  EXPECT_EQ(run({"decisions", "list", "--since", "yesterday-ish"}).status, 2);
  EXPECT_EQ(run({"decisions", "list", "--format", "xml"}).status, 2);
}

TEST_F(CliTest, BackupProducesAReadableCopy) {
  ASSERT_EQ(run({"decisions", "add", "Keep the pro tier"}).status, 0);
  const std::string copy = dir_.file("backup.db");
  auto b = run({"db", "backup", copy});
  ASSERT_EQ(b.status, 0) << b.err;
  auto env = env_;
  env["ROLECALL_DB"] = copy;
  auto list = run_rolecall({"decisions", "list", "--format", "json", "--config", config_}, env);
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(json::parse(list.out).size(), 1u);
}

TEST_F(CliTest, DigestPreviewPrintsTheWeek) {
  auto empty = run({"digest", "--team", "checkout", "--week", "2026-W40", "--preview"});
  ASSERT_EQ(empty.status, 0) << empty.err;
  EXPECT_NE(empty.out.find("2026-W40"), std::string::npos) << empty.out;
  EXPECT_EQ(run({"digest", "--team", "checkout", "--week", "2026-W99", "--preview"}).status, 2);
  EXPECT_EQ(run({"digest", "--team", "checkout"}).status, 2);
}

TEST_F(CliTest, MetricsFollowTheExpositionFormat) {
  DaemonProcess d(dir_.path(), test_config_yaml(), env_);
  http_request(d.port(), "GET", "/healthz");
  http_request(d.port(), "GET", "/nope");
  auto m = http_request(d.port(), "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.headers["content-type"].find("text/plain"), std::string::npos);
  // Every line: a comment (# HELP/# TYPE name ...) or `name{labels} value`.
  const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*)?\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$)");
  const std::regex type_line(
      R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)");
  const std::regex help_line(R"(^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  std::map<std::string, std::string> types;
  std::istringstream lines(m.body);
  int samples = 0;
  for (std::string line; std::getline(lines, line);) {
    std::smatch sm;
    if (std::regex_match(line, sm, type_line)) {
      types[sm[1]] = sm[2];
      if (sm[2] == "counter") {
        EXPECT_TRUE(std::string(sm[1]).size() > 6 && std::string(sm[1]).ends_with("_total"))
            << line;
      }
      continue;
    }
    if (std::regex_match(line, help_line)) continue;
    ASSERT_TRUE(std::regex_match(line, sm, sample)) << "bad line: " << line;
    std::string name = sm[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (!types.count(name) && name.ends_with(suffix))
        name = name.substr(0, name.size() - std::strlen(suffix));
    EXPECT_TRUE(types.count(name)) << "sample before its # TYPE: " << line;
    ++samples;
  }
  EXPECT_GT(samples, 5);
  EXPECT_NE(m.body.find("rolecall_http_requests_total{endpoint=\"healthz\",status=\"200\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("rolecall_http_requests_total{endpoint=\"other\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(m.body.find("rolecall_build_info{version="), std::string::npos);
  EXPECT_NE(
      m.body.find(
          "rolecall_http_request_duration_seconds_bucket{endpoint=\"healthz\",le=\"+Inf\"} 1"),
      std::string::npos);
  EXPECT_NE(m.body.find("rolecall_outbox_depth 0"), std::string::npos);
}

TEST_F(CliTest, SighupReloadsAndABadFileKeepsTheOldOne) {
  DaemonProcess d(dir_.path(), test_config_yaml(), env_);
  // The daemon's config file is dir/rolecall.yaml: break it, SIGHUP, still serving.
  std::ofstream(dir_.file("rolecall.yaml")) << "server: [\n";
  d.signal(SIGHUP);
  EXPECT_TRUE(d.wait_for_log("reload failed"));
  EXPECT_EQ(http_request(d.port(), "GET", "/healthz").status, 200);
  std::ofstream(dir_.file("rolecall.yaml")) << test_config_yaml();
  d.signal(SIGHUP);
  EXPECT_TRUE(d.wait_for_log("reloaded:"));
  EXPECT_EQ(d.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace rolecall::testing

namespace rolecall::testing {
namespace {

TEST(HttpLimitsTest, ASlowClientIsCutOffAndOthersAreStillServed) {
  TempDir dir;
  DaemonProcess d(dir.path(), test_config_yaml("server:\n  read_timeout_ms: 500\n"),
                  {{"ROLECALL_DB", dir.file("s.db")}});
  const auto started = std::chrono::steady_clock::now();
  // Half a request line, then silence: the server must hang up by itself.
  const std::string reply = raw_exchange(d.port(), "GET /healthz HTTP/1.1\r\nHost: x", 10s);
  const auto held = std::chrono::steady_clock::now() - started;
  EXPECT_LT(held, 5s);
  EXPECT_EQ(reply.find("200 OK"), std::string::npos);
  // Headers over the limit: 431.
  auto big = http_request(d.port(), "GET", "/healthz", {{"X-Big", std::string(20000, 'a')}});
  EXPECT_EQ(big.status, 431);
  // Garbage instead of HTTP: 400.
  EXPECT_NE(raw_exchange(d.port(), "HELLO\r\n\r\n").find("400"), std::string::npos);
  // A chunk-size line (extensions) longer than the read buffer: 431, where
  // Beast alone would buffer all of it and hand the request on.
  const std::string chunked =
      "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
      std::string(200000, 'e') + "\r\na\r\n0\r\n\r\n";
  EXPECT_NE(raw_exchange(d.port(), chunked).find("HTTP/1.1 431"), std::string::npos);
  EXPECT_EQ(http_request(d.port(), "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace rolecall::testing
