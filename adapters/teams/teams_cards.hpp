#pragma once
// Renders rolecall's answers, routing notices and decision log as Teams
// messages: Adaptive Cards 1.4 with Action.OpenUrl only, people mentioned
// with msteams mention entities when they have a Teams id, every message
// under the 28 KB limit (long lists end in "…and N more").
//
// Two envelopes (teams_card_parts.hpp):
// - render_*_reply: the synchronous outgoing-webhook reply, carrying both
//   `text` and the card (DESIGN.md);
// - render_*_workflow_post: the body for a Workflows webhook URL
//   (destination "teams:workflow"), card only.
// Serialise with teams_compact_json (card_rules.hpp).
//
// Pure; thread-safe; never throw. User-supplied strings are escaped.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/teams/teams_card_parts.hpp"
#include "core/answer.hpp"
#include "core/routing.hpp"
#include "storage/store.hpp"

namespace rolecall {

struct TeamsCardOptions {
  // The webhook's name as people @mention it, used in "reply @rolecall …" hints.
  std::string bot_name = "rolecall";
  // Optional https link for an "All decisions" Action.OpenUrl (e.g. the console).
  std::string decisions_url;
  std::size_t max_message_bytes = kTeamsCardBudgetBytes;
  std::size_t max_list_items = 25;  // rows shown before "…and N more"
};

// "Who owns this?" answers: owner role and the person on the team, why,
// shared halves, the Project Manager note, combined-team hats, the help list
// when the role is none, and the runner-up when confidence is low. About a
// thread's request (answer.thread_routing_id), the card opens with "This
// thread's request (routed on <date>):" and names the routing (#42).
nlohmann::json render_teams_answer_reply(const Answer& answer,
                                         const TeamsCardOptions& options = {});

// A routed request: who it went to (mentioned), why, what corrections taught
// rolecall, the routing id and how to correct it by reply. Also covers
// needs_clarification (the choices) and not_routed.
struct TeamsRoutingNotice {
  RoutingDecision decision;
  std::int64_t routing_id = 0;  // from Store::record_routing
  std::string request_text;     // the routed message (optional)
  std::string requested_by;     // display name of the author (optional)
  std::string link;             // link to the message (optional, http(s) only is used)
  std::string team_name;        // optional
};
nlohmann::json render_teams_routing_reply(const TeamsRoutingNotice& notice,
                                          const TeamsCardOptions& options = {});
nlohmann::json render_teams_routing_workflow_post(const TeamsRoutingNotice& notice,
                                                  const TeamsCardOptions& options = {});

// The result of "ack", "reassign", "dismiss" on routing `change.routing_id`;
// `assignees` are the new owners after a reassign (may be empty).
nlohmann::json render_teams_status_change_reply(const StatusChange& change,
                                                const std::vector<Person>& assignees,
                                                const TeamsCardOptions& options = {});

// "Decision #7 logged" for `decision TEXT`.
nlohmann::json render_teams_decision_reply(const DecisionRecord& decision,
                                           const TeamsCardOptions& options = {});

// The decision log, newest first as given: one row per decision (text,
// role, id and date), fitted to the size limit. `heading` e.g. "Decisions
// this week"; `filter` is echoed when not empty.
nlohmann::json render_teams_decisions_reply(const std::vector<DecisionRecord>& decisions,
                                            const std::string& heading = "Decisions",
                                            const std::string& filter = {},
                                            const TeamsCardOptions& options = {});

// What rolecall understands in Teams; `example_topics` are topic titles to
// suggest (optional).
nlohmann::json render_teams_help_reply(const std::vector<std::string>& example_topics = {},
                                       const TeamsCardOptions& options = {});

// A one-paragraph reply (errors, "decision needs text", unknown routing id),
// still as text plus a card. `text` is plain and gets escaped.
nlohmann::json render_teams_simple_reply(const std::string& text,
                                         const TeamsCardOptions& options = {});

}  // namespace rolecall
