#pragma once
// Collects the people a card mentions. A person with a Teams id is written as
// "<at>Name</at>" and gets an msteams mention entity (so Teams notifies
// them); anyone else appears by plain, markdown-escaped name.
//
// Not thread-safe; one instance per card being built.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/team.hpp"

namespace rolecall {

class TeamsMentions {
 public:
  // The markup to put in a TextBlock or FactSet value for `person`.
  std::string mention(const Person& person);
  // Comma-separated mentions ("A, B and C"); `fallback` when `people` is empty.
  std::string mention_all(const std::vector<Person>& people, const std::string& fallback = {});
  bool empty() const noexcept { return entities_.empty(); }
  // Sets card["msteams"]["entities"] when any mention was made; keeps other
  // msteams keys.
  void attach_to(nlohmann::json& card) const;

 private:
  std::vector<nlohmann::json> entities_;
};

}  // namespace rolecall
