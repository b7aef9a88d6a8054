#pragma once
// The learned half of the classifier: the weights of three linear models
// (role, intent, topic) over MessageFeature names, plus the two weights that
// tie them to the taxonomy's cue lexicon. It is data handed to the
// Classifier; core never reads a file (config/classifier_model_loader does,
// from the text format in classifier_model_text.hpp).
//
// Scores for one message with features F and lexicon evidence L:
//   role r:    bias[r] + sum_f role[f][r] + role_tie * L_role(r)
//   intent i:  bias[i] + sum_f intent[f][i]
//   topic t:   bias[t] + sum_f topic[f][t] + topic_tie * L_topic(t)
// L_role(r) is the cue evidence of role r's topics, L_topic(t) that of topic t
// (none has no cues). The tie weights are shared by every role and topic:
// that is what lets an operator's new cue, or a whole new topic, steer the
// answer although the model never saw it. Probabilities are the softmax of
// score / temperature (temperatures fitted on out-of-fold predictions).
//
// Immutable after building; safe to share between threads.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/flat_index.hpp"
#include "core/role.hpp"

namespace rolecall {

inline constexpr std::size_t kModelRoles = 5;    // Role's values, in enum order
inline constexpr std::size_t kModelIntents = 3;  // Intent's values, in enum order

class ClassifierModel {
 public:
  struct TopicWeight {
    std::uint32_t topic = 0;  // index into topics()
    float weight = 0.0f;
  };
  struct Row {
    std::array<float, kModelRoles> role{};
    std::array<float, kModelIntents> intent{};
    std::uint32_t topic_begin = 0;  // into topic_weights()
    std::uint32_t topic_count = 0;
  };

  ClassifierModel() = default;

  // Building (by the text parser and the trainer). A feature added twice
  // keeps its first row; returns false then.
  bool add_feature(std::string name, const std::array<float, kModelRoles>& role,
                   const std::array<float, kModelIntents>& intent,
                   const std::vector<TopicWeight>& topic);
  void set_topics(std::vector<std::string> topic_ids);

  // Reading.
  const Row* find(std::uint64_t feature_hash) const noexcept {
    const auto i = index_.find(feature_hash);
    return i ? &rows_[*i] : nullptr;
  }
  const std::vector<std::string>& topics() const noexcept { return topics_; }
  // Index of a topic id in topics(), or -1.
  int topic_index(std::string_view id) const noexcept;
  const std::vector<std::string>& feature_names() const noexcept { return names_; }
  const std::vector<Row>& rows() const noexcept { return rows_; }
  const std::vector<TopicWeight>& topic_weights() const noexcept { return topic_weights_; }
  bool empty() const noexcept { return rows_.empty(); }

  // The parameters outside the feature rows; set freely.
  std::array<float, kModelRoles> role_bias{};
  std::array<float, kModelIntents> intent_bias{};
  std::vector<float> topic_bias;  // one per topics(); missing entries count 0
  float role_tie = 1.0f;
  float topic_tie = 1.0f;
  float role_temperature = 1.0f;
  float intent_temperature = 1.0f;
  std::string description;  // one line on where the model came from

 private:
  std::vector<std::string> topics_;
  std::unordered_map<std::string, int> topic_ids_;
  std::vector<std::string> names_;
  std::vector<Row> rows_;
  std::vector<TopicWeight> topic_weights_;
  FlatIndex index_;
};

}  // namespace rolecall
