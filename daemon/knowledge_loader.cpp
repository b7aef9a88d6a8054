#include "daemon/knowledge_loader.hpp"

#include "config/classifier_model_loader.hpp"
#include "config/taxonomy_loader.hpp"

namespace rolecall {

std::shared_ptr<const Knowledge> load_knowledge(const AppConfig& config) {
  RoutingPolicy policy;
  policy.clarify_below = config.routing.clarify_below;
  policy.learn_threshold = static_cast<int>(config.routing.learn_threshold);
  if (policy.learn_threshold == 0) policy.learn_threshold = 1 << 30;  // 0 = never learn
  std::shared_ptr<const ClassifierModel> model;
  if (!config.taxonomy.model.empty()) model = load_classifier_model(config.taxonomy.model);
  return std::make_shared<const Knowledge>(load_taxonomy(config.taxonomy.path), std::move(model),
                                           config.directory, policy);
}

}  // namespace rolecall
