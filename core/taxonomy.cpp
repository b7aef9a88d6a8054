#include "core/taxonomy.hpp"

namespace rolecall {

Taxonomy::Taxonomy(std::vector<Topic> topics) : topics_(std::move(topics)) {
  for (std::size_t i = 0; i < topics_.size(); ++i) index_.emplace(topics_[i].id, i);
}

const Topic* Taxonomy::find(std::string_view id) const noexcept {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? nullptr : &topics_[it->second];
}

}  // namespace rolecall
