#include "core/classifier_model.hpp"

#include "core/text_hash.hpp"

namespace rolecall {

bool ClassifierModel::add_feature(std::string name, const std::array<float, kModelRoles>& role,
                                  const std::array<float, kModelIntents>& intent,
                                  const std::vector<TopicWeight>& topic) {
  const std::uint64_t hash = text_hash(name);
  if (index_.contains(hash)) return false;
  Row row;
  row.role = role;
  row.intent = intent;
  row.topic_begin = static_cast<std::uint32_t>(topic_weights_.size());
  row.topic_count = static_cast<std::uint32_t>(topic.size());
  topic_weights_.insert(topic_weights_.end(), topic.begin(), topic.end());
  index_.insert(hash, static_cast<std::uint32_t>(rows_.size()));
  rows_.push_back(row);
  names_.push_back(std::move(name));
  return true;
}

void ClassifierModel::set_topics(std::vector<std::string> topic_ids) {
  topics_ = std::move(topic_ids);
  topic_ids_.clear();
  for (std::size_t i = 0; i < topics_.size(); ++i)
    topic_ids_.emplace(topics_[i], static_cast<int>(i));
  topic_bias.resize(topics_.size(), 0.0f);
}

int ClassifierModel::topic_index(std::string_view id) const noexcept {
  const auto it = topic_ids_.find(std::string(id));
  return it == topic_ids_.end() ? -1 : it->second;
}

}  // namespace rolecall
