#include "core/classifier_model_text.hpp"

#include <gtest/gtest.h>

#include "core/text_hash.hpp"

namespace rolecall {
namespace {

constexpr std::string_view kHeader =
    "rolecall-classifier-model 1\n"
    "roles product_manager product_owner both project_manager none\n"
    "intents question request other\n"
    "topics pricing user_stories\n";

ClassifierModel small_model() {
  ClassifierModel m;
  m.set_topics({"pricing", "user_stories"});
  m.role_bias = {0.5f, -0.25f, 0.0f, 0.0f, 1.0f};
  m.intent_bias = {0.1f, 0.2f, 0.3f};
  m.topic_bias[1] = -0.75f;
  m.role_tie = 2.5f;
  m.topic_tie = 3.25f;
  m.role_temperature = 1.5f;
  m.intent_temperature = 0.75f;
  m.description = "a test model";
  m.add_feature("u:price", {1.0f, -0.5f, 0, 0, -0.5f}, {0, 0.125f, 0}, {{0, 0.875f}});
  m.add_feature("b:sprint goal", {0, 1.0f, 0, 0, 0}, {0, 0, 0}, {});
  return m;
}

TEST(ClassifierModelText, FormatThenParseGivesTheSameModel) {
  const ClassifierModel m = small_model();
  const std::string text = format_classifier_model(m);
  const ModelParseResult r = parse_classifier_model(text);
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  ASSERT_TRUE(r.model);
  const ClassifierModel& p = *r.model;
  EXPECT_EQ(p.description, "a test model");
  EXPECT_EQ(p.topics(), m.topics());
  EXPECT_EQ(p.role_bias, m.role_bias);
  EXPECT_EQ(p.intent_bias, m.intent_bias);
  EXPECT_EQ(p.topic_bias, m.topic_bias);
  EXPECT_FLOAT_EQ(p.role_tie, 2.5f);
  EXPECT_FLOAT_EQ(p.topic_tie, 3.25f);
  EXPECT_FLOAT_EQ(p.role_temperature, 1.5f);
  EXPECT_FLOAT_EQ(p.intent_temperature, 0.75f);
  const ClassifierModel::Row* price = p.find(text_hash("u:price"));
  ASSERT_NE(price, nullptr);
  EXPECT_FLOAT_EQ(price->role[0], 1.0f);
  EXPECT_FLOAT_EQ(price->intent[1], 0.125f);
  ASSERT_EQ(price->topic_count, 1u);
  EXPECT_FLOAT_EQ(p.topic_weights()[price->topic_begin].weight, 0.875f);
  // A feature name with a space (a word pair) survives the round trip.
  EXPECT_NE(p.find(text_hash("b:sprint goal")), nullptr);
  EXPECT_EQ(p.find(text_hash("u:unknown")), nullptr);
  // And formatting the parsed model gives the same text.
  EXPECT_EQ(format_classifier_model(p), text);
}

void expect_error(const std::string& text, const std::string& fragment) {
  const ModelParseResult r = parse_classifier_model(text);
  EXPECT_FALSE(r.model) << text;
  bool found = false;
  for (const std::string& e : r.errors) found = found || e.find(fragment) != std::string::npos;
  EXPECT_TRUE(found) << "no error containing \"" << fragment << "\" for:\n" << text;
}

TEST(ClassifierModelText, ReportsEveryKindOfMistakeWithItsLine) {
  expect_error("", "empty model file");
  expect_error("not a model\n", "line 1: the file does not start with");
  expect_error(
      "rolecall-classifier-model 1\nroles product_owner product_manager both "
      "project_manager none\n",
      "line 2: roles must be");
  expect_error(std::string(kHeader) + "role_tie abc\n", "line 5: not a number");
  expect_error(std::string(kHeader) + "role_temperature 0\n", "above 0");
  expect_error(std::string(kHeader) + "role_bias 1 2 3\n", "role_bias needs 5 numbers");
  expect_error(std::string(kHeader) + "f\tu:x\t1 2 3 4 5\t1 2 3\tnope=1\n",
               "unknown topic \"nope\"");
  expect_error(std::string(kHeader) + "f\tu:x\t1 2 3 4\t1 2 3\t\n", "5 role weights");
  expect_error(std::string(kHeader) + "f\tu:x\t1 2 3 4 5\t1 2 3\t\nf\tu:x\t1 2 3 4 5\t1 2 3\t\n",
               "line 6: feature \"u:x\" appears twice");
  expect_error(std::string(kHeader) + "f\tu:x\t1 2 3 4 5 nan\t1 2 3\t\n", "5 role weights");
  expect_error(std::string(kHeader) + "mystery 1\n", "unknown line: mystery");
  expect_error(
      "rolecall-classifier-model 1\nroles product_manager product_owner both project_manager "
      "none\n",
      "missing the intents line");
}

TEST(ClassifierModelText, IgnoresCommentsBlankLinesAndCarriageReturns) {
  const std::string text = "# a comment\r\n\r\n" + std::string(kHeader) + "# more\n" +
                           "f\tu:x\t1 0 0 0 0\t0 0 0\tpricing=0.5\r\n";
  const ModelParseResult r = parse_classifier_model(text);
  ASSERT_TRUE(r.errors.empty()) << r.errors.front();
  EXPECT_EQ(r.model->rows().size(), 1u);
}

}  // namespace
}  // namespace rolecall
