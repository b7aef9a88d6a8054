#pragma once
// The role taxonomy: which role owns which topic, and the words people use
// for it. Loaded from config/taxonomy.yaml by config/taxonomy_loader; the
// core only sees this validated, immutable model.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/role.hpp"

namespace rolecall {

struct Topic {
  std::string id;                  // stable identifier, e.g. "pricing"
  std::string title;               // human label, e.g. "Pricing and packaging"
  Role role = Role::none;          // product_manager | product_owner | both | project_manager
  std::string explanation;         // one sentence a person accepts as the answer
  std::string pm_part;             // shared topics: the Product Manager's half
  std::string po_part;             // shared topics: the Product Owner's half
  std::vector<std::string> cues;   // words, phrases, abbreviations people type
  std::vector<std::string> seeds;  // seed files that support this topic
};

// Immutable after construction; safe to share between threads.
class Taxonomy {
 public:
  Taxonomy() = default;
  explicit Taxonomy(std::vector<Topic> topics);

  const std::vector<Topic>& topics() const noexcept { return topics_; }
  // nullptr when no topic has this id.
  const Topic* find(std::string_view id) const noexcept;

 private:
  std::vector<Topic> topics_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace rolecall
