#include "core/model_training.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/classifier_model_text.hpp"

namespace rolecall {
namespace {

// Feature 0 means product_manager/question, 1 product_owner/request, 2 is
// noise on every line; topic 0 goes with feature 0, topic 1 with feature 1.
std::vector<TrainingExample> toy_examples() {
  std::vector<TrainingExample> out;
  for (int k = 0; k < 40; ++k) {
    TrainingExample pm;
    pm.features = {0, 2};
    pm.role = static_cast<int>(Role::product_manager);
    pm.intent = static_cast<int>(Intent::question);
    pm.topic = 0;
    out.push_back(pm);
    TrainingExample po;
    po.features = {1, 2};
    po.role = static_cast<int>(Role::product_owner);
    po.intent = static_cast<int>(Intent::request);
    po.topic = 1;
    out.push_back(po);
    TrainingExample none;
    none.features = {2};
    none.role = static_cast<int>(Role::none);
    none.intent = static_cast<int>(Intent::other);
    out.push_back(none);
  }
  return out;
}

template <std::size_t N>
std::size_t argmax(const std::array<double, N>& a) {
  return static_cast<std::size_t>(std::max_element(a.begin(), a.end()) - a.begin());
}

TEST(ModelTraining, LearnsTheSeparableToyProblem) {
  const auto examples = toy_examples();
  const TrainedWeights w = train_weights(examples, 3, 2, TrainingOptions{});
  for (const TrainingExample& e : examples) {
    EXPECT_EQ(static_cast<int>(argmax(w.role_scores(e))), e.role);
    EXPECT_EQ(static_cast<int>(argmax(w.intent_scores(e))), e.intent);
  }
  // Topic weights point the right way.
  EXPECT_GT(w.topic[0 * 2 + 0], w.topic[0 * 2 + 1]);
  EXPECT_GT(w.topic[1 * 2 + 1], w.topic[1 * 2 + 0]);
}

TEST(ModelTraining, RoleOnlyFeaturesGetNoIntentOrTopicWeights) {
  // Feature 3 follows the labels perfectly but is role-only (after
  // shared_features): it must learn a role weight and nothing else.
  auto examples = toy_examples();
  for (TrainingExample& e : examples) {
    if (e.role == static_cast<int>(Role::product_owner)) {
      e.features.push_back(3);
      e.shared_features = e.features.size() - 1;
    }
  }
  const TrainedWeights w = train_weights(examples, 4, 2, TrainingOptions{});
  EXPECT_GT(w.role[3 * kModelRoles + static_cast<std::size_t>(Role::product_owner)], 0.1f);
  for (std::size_t i = 0; i < kModelIntents; ++i) EXPECT_EQ(w.intent[3 * kModelIntents + i], 0.0f);
  for (std::size_t t = 0; t < 2; ++t) EXPECT_EQ(w.topic[3 * 2 + t], 0.0f);
  // Without the split the same feature does take intent weight.
  for (TrainingExample& e : examples) e.shared_features = static_cast<std::size_t>(-1);
  const TrainedWeights all = train_weights(examples, 4, 2, TrainingOptions{});
  EXPECT_NE(all.intent[3 * kModelIntents + static_cast<std::size_t>(Intent::request)], 0.0f);
}

TEST(ModelTraining, TheCueEvidenceTieIsLearnedFromTheLexicon) {
  // No word features at all: only the taxonomy's evidence tells the roles
  // apart, so the tie weight must grow positive.
  std::vector<TrainingExample> examples;
  for (int k = 0; k < 30; ++k) {
    TrainingExample pm;
    pm.role_cues[static_cast<std::size_t>(Role::product_manager)] = 1.0f;
    pm.role = static_cast<int>(Role::product_manager);
    examples.push_back(pm);
    TrainingExample none;
    none.role = static_cast<int>(Role::none);
    examples.push_back(none);
  }
  const TrainedWeights w = train_weights(examples, 0, 0, TrainingOptions{});
  EXPECT_GT(w.role_tie, 1.5f);
}

TEST(ModelTraining, IsDeterministic) {
  const auto examples = toy_examples();
  const TrainingOptions o;
  const TrainedWeights a = train_weights(examples, 3, 2, o);
  const TrainedWeights b = train_weights(examples, 3, 2, o);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.intent, b.intent);
  EXPECT_EQ(a.topic, b.topic);
  const std::vector<std::string> names = {"u:a", "u:b", "u:c"};
  EXPECT_EQ(format_classifier_model(to_model(a, names, {"t0", "t1"}, 1.0, 1.0, o)),
            format_classifier_model(to_model(b, names, {"t0", "t1"}, 1.0, 1.0, o)));
}

TEST(ModelTraining, FitTemperatureUndoesOverconfidentScores) {
  // Scores three times too sharp for the labels' real frequencies: the
  // fitted temperature is near 3.
  std::vector<std::array<double, kModelIntents>> scores;
  std::vector<int> labels;
  // softmax([log 3, 0, 0]) = [0.6, 0.2, 0.2]; label 0 in 60 % of the lines.
  for (int k = 0; k < 100; ++k) {
    scores.push_back({3.0 * std::log(3.0), 0.0, 0.0});
    labels.push_back(k < 60 ? 0 : (k < 80 ? 1 : 2));
  }
  const double t = fit_temperature<kModelIntents>(scores, labels);
  EXPECT_NEAR(t, 3.0, 0.05);
}

TEST(ModelTraining, PrunesNegligibleWeights) {
  TrainedWeights w;
  w.feature_count = 2;
  w.topic_count = 1;
  w.role = {0.5f, 0, 0, 0, 0, 0.001f, 0, 0, 0, 0};
  w.intent = {0, 0, 0, 0, 0, 0};
  w.topic = {0, 0.001f};
  w.topic_bias = {0};
  const ClassifierModel m = to_model(w, {"u:keep", "u:drop"}, {"t"}, 1.0, 1.0, TrainingOptions{});
  EXPECT_EQ(m.rows().size(), 1u);
  EXPECT_EQ(m.feature_names().front(), "u:keep");
}

}  // namespace
}  // namespace rolecall
