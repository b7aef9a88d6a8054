#pragma once
// Test-only: builds a rolecall::Taxonomy from the shipped config/taxonomy.yaml
// with yaml-cpp directly, so the core tests do not depend on the config
// library. Throws std::runtime_error when the file is missing or malformed.

#include <memory>
#include <string>

#include "core/classifier.hpp"
#include "core/classifier_model.hpp"
#include "core/taxonomy.hpp"

namespace rolecall::test {

Taxonomy load_taxonomy_yaml(const std::string& path);

// config/taxonomy.yaml of this source tree, loaded once per process.
const Taxonomy& shipped_taxonomy();

// config/classifier-model.tsv of this source tree, parsed once per process.
std::shared_ptr<const ClassifierModel> shipped_model();

// The classifier rolecall ships: the shipped taxonomy and model.
const Classifier& shipped_classifier();

}  // namespace rolecall::test
