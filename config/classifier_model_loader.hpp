#pragma once
// Loads the classifier's learned weights (the format is in
// core/classifier_model_text.hpp; the shipped file is
// config/classifier-model.tsv, written by build/tools/train-classifier).
// Throws ConfigError naming file:line for every problem found, like the
// other loaders. Safe to call from any thread.

#include <memory>
#include <string>

#include "core/classifier_model.hpp"

namespace rolecall {

std::shared_ptr<const ClassifierModel> load_classifier_model(const std::string& path);

}  // namespace rolecall
