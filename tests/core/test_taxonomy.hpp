#pragma once
// Test-only: builds a rolecall::Taxonomy from the shipped config/taxonomy.yaml
// with yaml-cpp directly, so the core tests do not depend on the config
// library. Throws std::runtime_error when the file is missing or malformed.

#include <string>

#include "core/taxonomy.hpp"

namespace rolecall::test {

Taxonomy load_taxonomy_yaml(const std::string& path);

// config/taxonomy.yaml of this source tree, loaded once per process.
const Taxonomy& shipped_taxonomy();

}  // namespace rolecall::test
