#include "tests/core/test_taxonomy.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/classifier_model_text.hpp"

namespace rolecall::test {

Taxonomy load_taxonomy_yaml(const std::string& path) {
  const YAML::Node root = YAML::LoadFile(path);
  const YAML::Node topics = root["topics"];
  if (!topics || !topics.IsSequence()) throw std::runtime_error(path + ": no topics list");
  std::vector<Topic> out;
  for (const YAML::Node& n : topics) {
    Topic t;
    t.id = n["id"].as<std::string>();
    t.title = n["title"].as<std::string>();
    const auto role = parse_role(n["role"].as<std::string>());
    if (!role) throw std::runtime_error(path + ": bad role in " + t.id);
    t.role = *role;
    t.explanation = n["explanation"].as<std::string>();
    if (n["pm_part"]) t.pm_part = n["pm_part"].as<std::string>();
    if (n["po_part"]) t.po_part = n["po_part"].as<std::string>();
    for (const YAML::Node& c : n["cues"]) t.cues.push_back(c.as<std::string>());
    for (const YAML::Node& s : n["seeds"]) t.seeds.push_back(s.as<std::string>());
    out.push_back(std::move(t));
  }
  return Taxonomy(std::move(out));
}

const Taxonomy& shipped_taxonomy() {
  static const Taxonomy taxonomy =
      load_taxonomy_yaml(std::string(ROLECALL_SOURCE_DIR) + "/config/taxonomy.yaml");
  return taxonomy;
}

std::shared_ptr<const ClassifierModel> shipped_model() {
  static const std::shared_ptr<const ClassifierModel> model = [] {
    const std::string path = std::string(ROLECALL_SOURCE_DIR) + "/config/classifier-model.tsv";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    ModelParseResult r = parse_classifier_model(text.str());
    if (!r.model) throw std::runtime_error(path + ": " + r.errors.front());
    return std::make_shared<const ClassifierModel>(std::move(*r.model));
  }();
  return model;
}

const Classifier& shipped_classifier() {
  static const Classifier classifier(shipped_taxonomy(), shipped_model());
  return classifier;
}

}  // namespace rolecall::test
