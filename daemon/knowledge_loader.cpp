#include "daemon/knowledge_loader.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "config/classifier_model_loader.hpp"
#include "config/taxonomy_loader.hpp"

namespace rolecall {

std::shared_ptr<const Knowledge> load_knowledge(const AppConfig& config) {
  RoutingPolicy policy;
  policy.clarify_below = config.routing.clarify_below;
  policy.learn_threshold = static_cast<int>(config.routing.learn_threshold);
  if (policy.learn_threshold == 0) policy.learn_threshold = 1 << 30;  // 0 = never learn
  std::shared_ptr<const ClassifierModel> model;
  const TaxonomyConfig& tc = config.taxonomy;
  if (!tc.model.empty()) {
    if (!tc.model_explicit && !std::filesystem::exists(tc.model)) {
      // A taxonomy copied somewhere without the model next to it: still start,
      // and say loudly that answers will be worse.
      spdlog::warn(
          "no classifier model at {}: classifying with the taxonomy's cue words alone, which is "
          "much less accurate; copy config/classifier-model.tsv there or set taxonomy.model",
          tc.model);
    } else {
      model = load_classifier_model(tc.model);
    }
  }
  return std::make_shared<const Knowledge>(load_taxonomy(config.taxonomy.path), std::move(model),
                                           config.directory, policy);
}

}  // namespace rolecall
