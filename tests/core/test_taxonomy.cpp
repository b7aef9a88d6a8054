#include "tests/core/test_taxonomy.hpp"

#include <yaml-cpp/yaml.h>

#include <stdexcept>

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
    if (!role || *role == Role::none) throw std::runtime_error(path + ": bad role in " + t.id);
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

}  // namespace rolecall::test
