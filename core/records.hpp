#pragma once
// The records rolecall keeps: a routing (a request routed or a question
// answered), a change of a routing's status, a logged decision. Defined here,
// in core, because the application decides them and the digest is built from
// them; storage/ only stores them (storage/*_log.hpp).
//
// Times are Unix epoch seconds (UTC). Platforms are "slack", "teams",
// "console" or "cli".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/role.hpp"

namespace rolecall {

enum class RoutingStatus { open, acknowledged, reassigned, dismissed };
std::string_view to_string(RoutingStatus s) noexcept;
std::optional<RoutingStatus> parse_routing_status(std::string_view s) noexcept;

struct RoutingRecord {
  std::int64_t id = 0;   // assigned by record_routing
  std::string platform;  // "slack" | "teams" | "console" | "cli"
  std::string team_id;
  std::string channel;
  std::string message_id;  // Slack ts / Teams activity id
  std::string link;        // permalink when known
  std::string author;      // platform user id
  std::string text;        // empty when store_message_text is false or after retention
  std::string text_hash;   // sha256 hex of the text, always set
  Intent intent = Intent::request;
  Role role = Role::none;           // current role (changes on reassign)
  Role original_role = Role::none;  // role at routing time
  std::string topic;
  double confidence = 0;
  std::string assignee;  // display names / ids of the assignees, comma separated
  RoutingStatus status = RoutingStatus::open;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct StatusChange {
  std::int64_t routing_id = 0;
  RoutingStatus from = RoutingStatus::open;
  RoutingStatus to = RoutingStatus::open;
  Role new_role = Role::none;  // set for reassigned
  std::string by;              // who pressed the button / typed the command
  std::int64_t at = 0;
  // When set, change_routing_status applies the change only while the
  // routing still has this role, and returns false (nothing written)
  // otherwise: a reassign read against one owner never undoes another's.
  std::optional<Role> if_role{};
  // Filled by the store when it reads history (ignored by change_routing_status):
  Role from_role = Role::none;  // the routing's role before this change
  std::string topic{};          // the routing's topic
};

// A reassignment from one role to another, as the routing log reports it
// (from_role and topic filled): what the digest counts as a move.
StatusChange reassignment(std::int64_t routing_id, std::string topic, Role from, Role to,
                          std::string by, std::int64_t at);

struct DecisionRecord {
  std::int64_t id = 0;
  std::string platform;
  std::string team_id;
  Role role = Role::none;
  std::string text;
  std::string decided_by;
  std::string channel;
  std::string link;
  std::int64_t created_at = 0;
};

}  // namespace rolecall
