#pragma once
// Builds the daemon's Knowledge (taxonomy, classifier, team directory,
// routing policy) from a loaded AppConfig. Throws ConfigError when the
// taxonomy file is invalid.

#include <memory>

#include "config/app_config.hpp"
#include "usecases/knowledge.hpp"

namespace rolecall {

std::shared_ptr<const Knowledge> load_knowledge(const AppConfig& config);

}  // namespace rolecall
