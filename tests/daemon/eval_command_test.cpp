// `rolecall eval` as a user runs it: the real binary on a labelled file.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/daemon/daemon_process.hpp"
#include "tests/support/test_helpers.hpp"

namespace rolecall::testing {
namespace {

using nlohmann::json;

class EvalCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.file("rolecall.yaml");
    std::ofstream(config_) << test_config_yaml();
    env_ = {{"ROLECALL_DB", dir_.file("eval.db")}};
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_.file(name);
    std::ofstream(path) << text;
    return path;
  }
  CommandResult run(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config_);
    return run_rolecall(args, env_);
  }
  TempDir dir_;
  std::string config_;
  std::map<std::string, std::string> env_;
};

constexpr const char* kLabelled =
    R"({"id":1,"text":"who owns pricing for the pro tier?","role":"product_manager","intent":"question"}
{"id":2,"text":"can we pull the login bug into this sprint?","role":"product_owner","intent":"request"}
{"id":3,"text":"thanks!","role":"none","intent":"other"}
{"id":4,"text":"who writes the acceptance criteria?","role":"product_manager","intent":"question"}
)";

TEST_F(EvalCommandTest, PrintsAccuracyConfusionCalibrationAndCoverage) {
  const auto r = run({"eval", write("labelled.jsonl", kLabelled)});
  ASSERT_EQ(r.status, 0) << r.err;
  // Line 4 is deliberately mislabelled: 3 of 4 roles agree.
  EXPECT_NE(r.out.find("role accuracy    0.750"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("intent accuracy  1.000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("role confusion"), std::string::npos);
  EXPECT_NE(r.out.find("expected calibration error"), std::string::npos);
  EXPECT_NE(r.out.find("at routing.clarify_below"), std::string::npos);
}

TEST_F(EvalCommandTest, JsonCarriesTheSameFigures) {
  const auto r = run({"eval", "--format", "json", write("labelled.jsonl", kLabelled)});
  ASSERT_EQ(r.status, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["lines"], 4);
  EXPECT_DOUBLE_EQ(j["role_accuracy"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(j["intent_accuracy"].get<double>(), 1.0);
  EXPECT_EQ(j["role_confusion"]["product_manager"]["product_owner"], 1);
  EXPECT_EQ(j["calibration"]["bins"].size(), 10u);
  EXPECT_TRUE(j["calibration"]["expected_calibration_error"].is_number());
  EXPECT_EQ(j["coverage"].size(), 20u);
  EXPECT_TRUE(j["at_clarify_below"]["asked"].is_number());
}

TEST_F(EvalCommandTest, MalformedLinesAreNamedAndTheRestCounted) {
  const auto r =
      run({"eval", "--format", "json",
           write("bad.jsonl", std::string(kLabelled) +
                                  "not json\n"
                                  "{\"text\":\"hi\",\"role\":\"boss\",\"intent\":\"other\"}\n"
                                  "{\"text\":\"hi\",\"role\":\"none\"}\n")});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("bad.jsonl:5: not valid JSON"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.jsonl:6: \"role\" must be"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.jsonl:7: \"intent\" must be"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(r.out)["lines"], 4);
}

TEST_F(EvalCommandTest, SplitFilterAndUsageErrors) {
  const auto path = write("split.jsonl",
                          "{\"text\":\"who owns pricing?\",\"role\":\"product_manager\",\"intent\":"
                          "\"question\",\"split\":\"holdout\"}\n"
                          "{\"text\":\"thanks\",\"role\":\"none\",\"intent\":\"other\",\"split\":"
                          "\"train\"}\n");
  const auto r = run({"eval", "--split", "holdout", "--format", "json", path});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["lines"], 1);
  EXPECT_EQ(run({"eval"}).status, 2);
  EXPECT_EQ(run({"eval", "--format", "xml", path}).status, 2);
  EXPECT_EQ(run({"eval", "--split", "nothing", path}).status, 2);
  const auto missing = run({"eval", dir_.file("missing.jsonl")});
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace rolecall::testing
