#pragma once
// The console's JSON vocabulary: how core answers, routing decisions and the
// store's records look to the console page. Pure functions of their inputs
// (no I/O, no clock); safe from any thread. Only names of people are shown,
// never a platform secret (Teams Workflows URLs stay out of every renderer).
//
// Spellings: roles and intents use the contract's strings (core/role.hpp),
// statuses the store's ("open", "acknowledged", "reassigned", "dismissed"),
// routing kinds "assigned" | "needs_clarification" | "not_routed".

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer.hpp"
#include "core/classification.hpp"
#include "core/routing.hpp"
#include "core/team.hpp"
#include "storage/store.hpp"

namespace rolecall {

// "assigned" | "needs_clarification" | "not_routed".
std::string_view console_kind_name(RoutingKind kind) noexcept;

// ["Alice Example", …]: display names only.
nlohmann::json console_people_json(const std::vector<Person>& people);

// {id, name, combined, product_managers:[names], product_owners:[names],
//  combined_person: name|null}. Channels and webhook URLs are left out.
nlohmann::json console_team_json(const Team& team);

// {intent, role, topic, confidence, cues, alternative_topic}
nlohmann::json console_classification_json(const Classification& c);

// Every field of the Answer, roles as contract strings plus a display name.
nlohmann::json console_answer_json(const Answer& answer);

// Every field of the decision; options as [{role, role_short, topic_id, topic_title}].
nlohmann::json console_routing_decision_json(const RoutingDecision& decision);

// The stored routing (text_hash and reply_ref left out).
nlohmann::json console_routing_record_json(const RoutingRecord& record);

nlohmann::json console_decision_json(const DecisionRecord& decision);

// One button a routing card offers: `action` is what POST
// /console/api/action takes (parse_correction_action spelling).
struct ConsoleAction {
  std::string action;
  std::string label;
};

// The buttons a routing offers in its current state, the same choices Slack
// shows: an unresolved clarification (role none, open) offers "PM" / "PO";
// a dismissed routing offers nothing; otherwise Acknowledge (unless already
// acknowledged), Reassign to the other role (PM and PO only: a shared topic
// has no other side), and Not a request.
std::vector<ConsoleAction> console_actions(Role role, RoutingStatus status);
nlohmann::json console_actions_json(const std::vector<ConsoleAction>& actions);

// One or two lines for a fresh routing: "Routed to the Product Owner: Bob."
// then the reason; a clarification asks "… X (PM) or Y (PO)?".
std::string render_routing_text(const RoutingDecision& decision);

// One line after a button: "Reassigned to the Product Manager (Alice)." …
std::string render_status_text(RoutingStatus status, Role role,
                               const std::vector<Person>& assignees, bool changed);

// Serializes for an HTTP body. Invalid UTF-8 from stored data is replaced
// (U+FFFD) instead of throwing.
std::string console_dump(const nlohmann::json& value);

}  // namespace rolecall
