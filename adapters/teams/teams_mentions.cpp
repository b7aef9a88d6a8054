#include "adapters/teams/teams_mentions.hpp"

#include "adapters/teams/teams_card_parts.hpp"

namespace rolecall {
namespace {

// Names go between <at> and </at> verbatim (they must equal the entity's
// text), so only the characters that would break the tag are dropped.
std::string tag_safe(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '<' || c == '>' || c == '\n' || c == '\r') continue;
    out += c;
  }
  return out;
}

}  // namespace

std::string TeamsMentions::mention(const Person& person) {
  std::string name = tag_safe(person.teams_name.empty() ? person.display_name : person.teams_name);
  if (person.teams_id.empty() || name.empty()) {
    return escape_teams_markdown(person.display_name.empty() ? person.teams_name
                                                             : person.display_name);
  }
  std::string markup = "<at>" + name + "</at>";
  bool known = false;
  for (const auto& e : entities_) {
    if (e["mentioned"]["id"] == person.teams_id && e["text"] == markup) known = true;
  }
  if (!known) {
    entities_.push_back({{"type", "mention"},
                         {"text", markup},
                         {"mentioned", {{"id", person.teams_id}, {"name", name}}}});
  }
  return markup;
}

std::string TeamsMentions::mention_all(const std::vector<Person>& people,
                                       const std::string& fallback) {
  if (people.empty()) return fallback;
  std::string out;
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (i > 0) out += (i + 1 == people.size()) ? " and " : ", ";
    out += mention(people[i]);
  }
  return out;
}

void TeamsMentions::attach_to(nlohmann::json& card) const {
  if (entities_.empty()) return;
  card["msteams"]["entities"] = entities_;
}

}  // namespace rolecall
