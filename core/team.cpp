#include "core/team.hpp"

#include <algorithm>

namespace rolecall {

namespace {
bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

std::vector<Person> Team::holders(Role role) const {
  if (combined &&
      (role == Role::product_manager || role == Role::product_owner || role == Role::both)) {
    return {*combined};
  }
  switch (role) {
    case Role::product_manager: return product_managers;
    case Role::product_owner: return product_owners;
    case Role::both: {
      std::vector<Person> all = product_managers;
      all.insert(all.end(), product_owners.begin(), product_owners.end());
      return all;
    }
    default: return {};
  }
}

TeamDirectory::TeamDirectory(std::vector<Team> teams, std::string default_team)
    : teams_(std::move(teams)), default_team_(std::move(default_team)) {}

const Team* TeamDirectory::find(std::string_view id) const noexcept {
  for (const auto& t : teams_)
    if (t.id == id) return &t;
  return nullptr;
}

const Team* TeamDirectory::by_slack_channel(std::string_view channel_id) const noexcept {
  for (const auto& t : teams_)
    if (contains(t.slack_channels, channel_id) || contains(t.intake_channels, channel_id))
      return &t;
  return nullptr;
}

const Team* TeamDirectory::by_teams_webhook(std::string_view webhook_name) const noexcept {
  for (const auto& t : teams_)
    if (contains(t.teams_webhooks, webhook_name)) return &t;
  return nullptr;
}

const Team* TeamDirectory::default_team() const noexcept {
  if (const Team* t = find(default_team_)) return t;
  return teams_.empty() ? nullptr : &teams_.front();
}

bool TeamDirectory::is_intake_channel(std::string_view channel_id) const noexcept {
  for (const auto& t : teams_)
    if (contains(t.intake_channels, channel_id)) return true;
  return false;
}

}  // namespace rolecall
