#pragma once
// The team directory: who holds which role on which team, and where the team
// talks. Built from the `teams:` section of the config by config/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/role.hpp"

namespace rolecall {

struct Person {
  std::string display_name;   // always set
  std::string slack_user_id;  // "U…", may be empty
  std::string teams_id;       // Teams user id / UPN / Entra object id, may be empty
  std::string teams_name;     // name as shown in Teams, may be empty
};

struct DigestSchedule {
  bool enabled = true;
  unsigned weekday = 1;  // ISO: 1 = Monday … 7 = Sunday
  unsigned hour = 9;
  unsigned minute = 0;
  std::string time_zone = "UTC";  // IANA name
};

struct Team {
  std::string id;
  std::string name;
  std::vector<std::string> slack_channels;       // channel ids the team talks in
  std::vector<std::string> intake_channels;      // subset (or others) routed automatically
  std::vector<std::string> teams_webhooks;       // names of Teams outgoing webhooks of this team
  std::vector<std::string> teams_workflow_urls;  // Workflows URLs for posting (secrets!)
  // Also post a routing notice card to teams_workflow_urls for requests
  // routed from Slack (Teams mentions are answered in their own thread).
  bool teams_routing_notices = false;
  std::vector<Person> product_managers;
  std::vector<Person> product_owners;
  std::optional<Person> combined;  // set when one person holds both roles
  DigestSchedule digest;

  bool is_combined() const noexcept { return combined.has_value(); }
  // The people who hold `role` on this team (combined teams: the one person).
  // Role::both gives PMs then POs; project_manager and none give nobody.
  std::vector<Person> holders(Role role) const;
};

class TeamDirectory {
 public:
  TeamDirectory() = default;
  TeamDirectory(std::vector<Team> teams, std::string default_team);

  const std::vector<Team>& teams() const noexcept { return teams_; }
  const Team* find(std::string_view id) const noexcept;
  // The team whose slack_channels or intake_channels contain `channel_id`.
  const Team* by_slack_channel(std::string_view channel_id) const noexcept;
  const Team* by_teams_webhook(std::string_view webhook_name) const noexcept;
  const Team* default_team() const noexcept;
  bool is_intake_channel(std::string_view channel_id) const noexcept;

 private:
  std::vector<Team> teams_;
  std::string default_team_;
};

}  // namespace rolecall
