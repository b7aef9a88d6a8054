#include "core/evaluation.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace rolecall {
namespace {

EvalItem item(Role label, Role predicted, double confidence, Intent li = Intent::question,
              Intent pi = Intent::question) {
  EvalItem e;
  e.role = label;
  e.predicted_role = predicted;
  e.intent = li;
  e.predicted_intent = pi;
  e.confidence = confidence;
  return e;
}

TEST(Evaluation, AccuracyConfusionCalibrationAndCoverage) {
  const std::vector<EvalItem> items = {
      item(Role::product_manager, Role::product_manager, 0.95),
      item(Role::product_manager, Role::product_owner, 0.55, Intent::question, Intent::request),
      item(Role::product_owner, Role::product_owner, 0.92),
      item(Role::none, Role::none, 0.58, Intent::other, Intent::other),
  };
  const EvalReport r = evaluate(items);
  EXPECT_EQ(r.count, 4u);
  EXPECT_DOUBLE_EQ(r.role_accuracy, 0.75);
  EXPECT_DOUBLE_EQ(r.intent_accuracy, 0.75);
  EXPECT_EQ(r.role_confusion[0][1], 1u);  // a PM line answered PO
  EXPECT_EQ(r.role_confusion[0][0], 1u);
  EXPECT_EQ(r.intent_confusion[0][1], 1u);
  // Bins: 0.5-0.6 holds two lines (0.55 wrong, 0.58 right), 0.9-1.0 two right.
  EXPECT_EQ(r.reliability[5].count, 2u);
  EXPECT_DOUBLE_EQ(r.reliability[5].accuracy, 0.5);
  EXPECT_NEAR(r.reliability[5].mean_confidence, 0.565, 1e-12);
  EXPECT_EQ(r.reliability[9].count, 2u);
  EXPECT_NEAR(r.expected_calibration_error,
              0.5 * std::abs(0.5 - 0.565) + 0.5 * std::abs(1.0 - 0.935), 1e-12);
  // Asking below 0.57 keeps three lines, all right.
  const CoveragePoint p = coverage_at(items, 0.57);
  EXPECT_DOUBLE_EQ(p.asked, 0.25);
  EXPECT_DOUBLE_EQ(p.committed_accuracy, 1.0);
  EXPECT_EQ(r.coverage.size(), 20u);
  EXPECT_DOUBLE_EQ(r.coverage[0].asked, 0.0);
}

TEST(Evaluation, EmptyInputIsAllZeroesAndNanConfidenceIsSafe) {
  EXPECT_EQ(evaluate({}).count, 0u);
  const EvalReport r = evaluate({item(Role::both, Role::both, std::nan(""))});
  EXPECT_EQ(r.reliability[0].count, 1u);
  EXPECT_DOUBLE_EQ(coverage_at({}, 0.5).committed_accuracy, 1.0);
}

}  // namespace
}  // namespace rolecall
