// The held-out figures README publishes, measured again: the classifier as
// shipped (config/taxonomy.yaml + config/classifier-model.tsv) on the lines of
// tests/data/corpus whose split is "holdout" (never trained or tuned on; the
// split is by group, see docs/labelling.md). The test fails when a figure
// falls more than two points below what README says, so README cannot drift
// from the truth and a retrained model cannot quietly get worse.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "config/app_config.hpp"
#include "config/classifier_model_loader.hpp"
#include "config/taxonomy_loader.hpp"
#include "daemon/eval_command.hpp"
#include "daemon/labelled_corpus.hpp"

namespace rolecall {
namespace {

const std::string kSource = ROLECALL_SOURCE_DIR;

// README carries the published figures in one machine-readable comment:
// <!-- classifier-figures: key=value ... -->
std::map<std::string, double> published_figures() {
  std::ifstream in(kSource + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  std::smatch m;
  EXPECT_TRUE(std::regex_search(readme, m, std::regex("<!-- classifier-figures:([^>]*)-->")))
      << "README.md lacks the classifier-figures comment";
  std::map<std::string, double> out;
  const std::string body = m.size() > 1 ? m[1].str() : "";
  const std::regex pair("([a-z_]+)=([0-9.]+)");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), pair); it != std::sregex_iterator();
       ++it)
    out[(*it)[1].str()] = std::stod((*it)[2].str());
  return out;
}

struct Measured {
  EvalReport all, real, written;
  CoveragePoint at_default;
  std::size_t lines = 0;
};

const Measured& measured() {
  static const Measured m = [] {
    LabelledRead read;
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(kSource + "/tests/data/corpus"))
      if (e.path().extension() == ".jsonl") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) read_labelled_file(f, read);
    EXPECT_TRUE(read.errors.empty()) << read.errors.front();
    std::vector<LabelledLine> all, real, written;
    for (const LabelledLine& l : read.lines) {
      if (l.split != "holdout") continue;
      all.push_back(l);
      (l.kind == "real" ? real : written).push_back(l);
    }
    const Classifier classifier(load_taxonomy(kSource + "/config/taxonomy.yaml"),
                                load_classifier_model(kSource + "/config/classifier-model.tsv"));
    Measured out;
    const auto items = classify_labelled(classifier, all);
    out.all = evaluate(items);
    out.real = evaluate(classify_labelled(classifier, real));
    out.written = evaluate(classify_labelled(classifier, written));
    out.at_default = coverage_at(items, AppConfig{}.routing.clarify_below);
    out.lines = all.size();
    return out;
  }();
  return m;
}

constexpr double kSlack = 0.02;

TEST(ClassifierHoldout, HoldsAtLeastAThirdOfTheCorpus) { EXPECT_GE(measured().lines, 900u); }

TEST(ClassifierHoldout, AccuracyIsWhatReadmePublishes) {
  const auto p = published_figures();
  const Measured& m = measured();
  ASSERT_TRUE(p.count("role") && p.count("intent") && p.count("role_real") &&
              p.count("role_written"));
  EXPECT_GE(m.all.role_accuracy, p.at("role") - kSlack);
  EXPECT_GE(m.all.intent_accuracy, p.at("intent") - kSlack);
  EXPECT_GE(m.real.role_accuracy, p.at("role_real") - kSlack);
  EXPECT_GE(m.written.role_accuracy, p.at("role_written") - kSlack);
  EXPECT_GE(m.real.intent_accuracy, p.at("intent_real") - kSlack);
  EXPECT_GE(m.written.intent_accuracy, p.at("intent_written") - kSlack);
}

TEST(ClassifierHoldout, CalibrationAndClarificationAreWhatReadmePublishes) {
  const auto p = published_figures();
  const Measured& m = measured();
  ASSERT_TRUE(p.count("ece") && p.count("committed") && p.count("asked") &&
              p.count("clarify_below"));
  EXPECT_DOUBLE_EQ(AppConfig{}.routing.clarify_below, p.at("clarify_below"))
      << "README's threshold is not the default";
  EXPECT_LE(m.all.expected_calibration_error, p.at("ece") + kSlack);
  EXPECT_GE(m.at_default.committed_accuracy, p.at("committed") - kSlack);
  EXPECT_LE(m.at_default.asked, p.at("asked") + kSlack);
}

}  // namespace
}  // namespace rolecall
