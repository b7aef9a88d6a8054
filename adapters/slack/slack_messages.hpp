#pragma once
// Block Kit rendering of rolecall's messages for Slack. Pure functions of
// core / storage values; no I/O; thread-safe; never throw (apart from
// std::bad_alloc).
//
// Every function returns a message object {"text": fallback, "blocks": […]}
// (plus the fields named below) that already satisfies Block Kit's limits
// (block_kit_limits.hpp). All user and database text is mrkdwn-escaped;
// people become <@U…> mentions when their Slack id is known (and looks like
// one), else their escaped display name. `text` is always present: Slack
// shows it in notifications and to screen readers.
//
// Where the result goes is the caller's business: add "response_type" with
// as_ephemeral()/as_in_channel() for a slash-command reply or response_url,
// or wrap it with for_channel() for chat.postMessage.
//
// Buttons (action_id -> meaning; every `value` is the routing id as decimal,
// the reassign button's followed by ":" and the role it was rendered for):
//   rolecall_ack        Acknowledge the routed request
//   rolecall_reassign   Reassign it to the other role (PM <-> PO), "42:product_owner"
//   rolecall_dismiss    Not a request
//   rolecall_choose_pm  Clarification: it is the Product Manager's topic
//   rolecall_choose_po  Clarification: it is the Product Owner's topic

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer.hpp"
#include "core/routing.hpp"
#include "storage/store.hpp"

namespace rolecall {

inline constexpr std::string_view kActionAck = "rolecall_ack";
inline constexpr std::string_view kActionReassign = "rolecall_reassign";
inline constexpr std::string_view kActionDismiss = "rolecall_dismiss";
inline constexpr std::string_view kActionChoosePm = "rolecall_choose_pm";
inline constexpr std::string_view kActionChoosePo = "rolecall_choose_po";

// A button's value: "<routing id>" or "<routing id>:<role it was rendered
// for>" (the reassign button; buttons posted before the role rode along
// carry the id alone).
struct SlackButtonValue {
  std::int64_t routing_id = 0;
  std::optional<Role> rendered_for;
};
std::string slack_button_value(std::int64_t routing_id, Role rendered_for);
// nullopt for anything else (a non-positive or malformed id, an unknown role).
std::optional<SlackButtonValue> parse_slack_button_value(std::string_view value) noexcept;

// "<@U123>" for a valid Slack user id (upper-case letters and digits), else
// the escaped display name (or "someone" when both are empty).
std::string slack_mention(const Person& person);
// "<@U123>" for a valid Slack user id, else the escaped text.
std::string slack_user_mention(std::string_view user_id);

// The answer to "who owns this?" (for /whoowns, mentions and DMs):
// headline naming the role and the people ("*Product Owner* owns this —
// <@U1>"), the reason, both halves of a shared topic, the Project Manager
// note, "I don't know" plus example topics for Role::none, the hat of a
// combined team, and "probably … or is it about X?" when unsure. About a
// thread's request (answer.thread_routing_id): "This thread's request
// (routed on <date>) is owned by the *Product Owner* (_topic_) — <@U1>".
nlohmann::json render_answer(const Answer& answer);

// The thread reply under a request in an intake channel.
//   assigned: owner mentions, reason, learned note, and an actions block with
//     Acknowledge / Reassign to the other role (only for PM or PO) / Not a request;
//   needs_clarification: "Is this about X (PM) or Y (PO)?" with two buttons;
//   not_routed: a short note and no buttons (the daemon normally posts nothing).
nlohmann::json render_routing_notice(const RoutingDecision& decision, std::int64_t routing_id);

// already_reassigned: a stale reassign press (the routing moved on since the
// button was rendered); the message shows who moved it and changes nothing.
enum class RoutingAction { acknowledged, reassigned, already_reassigned, dismissed, clarified };

// What happened to a routing notice, for the replacement message.
struct RoutingUpdate {
  std::int64_t routing_id = 0;
  RoutingAction action = RoutingAction::acknowledged;
  Role role = Role::none;      // the role the request belongs to now
  std::vector<Person> owners;  // holders of `role` on the team
  std::string topic_title;     // may be empty
  std::string actor_user_id;   // who pressed the button
};

// The routing notice after a button press, with "replace_original": true,
// for the block_actions response_url. Status line: "Acknowledged by <@U…>",
// "Reassigned to the PO by <@U…>", "Dismissed by <@U…>", "<@U…> chose the PM".
// A reassigned or clarified request keeps Acknowledge / Not a request buttons
// (the new owner still has to take it); acknowledged and dismissed keep none.
nlohmann::json render_routing_update(const RoutingUpdate& update);

// Confirmation of /decision, response_type in_channel.
nlohmann::json render_decision_confirmation(const DecisionRecord& decision);

// /decisions: the newest `max_items` decisions (then "and N more"),
// response_type ephemeral. `query` is the command text shown in the title.
nlohmann::json render_decision_list(const std::vector<DecisionRecord>& decisions,
                                    std::string_view query = {}, std::size_t max_items = 15);

// Help for an empty /whoowns, an unknown command or "help", response_type
// ephemeral. `unknown_command` (e.g. "/whoknows") is named when not empty.
nlohmann::json render_help(std::string_view unknown_command = {});

// A short ephemeral notice ("Something went wrong…", "Only … can …").
nlohmann::json render_notice(std::string_view text);

// Sets response_type (slash-command replies and response_url posts).
nlohmann::json as_ephemeral(nlohmann::json message);
nlohmann::json as_in_channel(nlohmann::json message);
// A chat.postMessage body: message + channel (+ thread_ts when not empty).
nlohmann::json for_channel(nlohmann::json message, std::string_view channel,
                           std::string_view thread_ts = {});

}  // namespace rolecall
