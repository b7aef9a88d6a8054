#pragma once
// The Adaptive Card rules rolecall relies on when it talks to Teams
// (shared/platforms/teams.md section 3): version 1.4 only (the Workflows Flow
// bot does not render 1.5), the 1.4 element set, Action.OpenUrl as the only
// action (outgoing-webhook replies and Workflows posts support nothing
// else), well-formed msteams mention entities, and the ~28 KB message limit.
// The npm `adaptivecards` schema validator does not check the Teams rules;
// this does, and every renderer's output goes through it in tests.
//
// Pure; thread-safe; never throws.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rolecall {

// Hard limit of a webhook / Workflows message: UTF-8 bytes of the compact
// JSON of the whole envelope must stay below this.
inline constexpr std::size_t kTeamsMaxMessageBytes = 28 * 1024;

// Where a message goes: an outgoing-webhook reply may be text only; a
// Workflows post must carry attachments (the template iterates them).
enum class TeamsSurface { outgoing_reply, workflows };

// Compact JSON as sent on the wire; invalid UTF-8 in strings is replaced
// (U+FFFD) instead of throwing. Use it to serialise every Teams payload.
std::string teams_compact_json(const nlohmann::json& value);

// UTF-8 byte length of teams_compact_json(value).
std::size_t teams_message_bytes(const nlohmann::json& value);

// Problems with one card (the `content` of an attachment), each as
// "path: what is wrong", e.g. "body[2]: element type 'Table' is not allowed
// in Adaptive Cards 1.4". Empty when the card follows every rule, including
// compact size below kTeamsMaxMessageBytes.
std::vector<std::string> check_adaptive_card_1_4(const nlohmann::json& card);

// Problems with a whole message envelope ({"type":"message", "text"?,
// "attachments": [...]}): envelope shape for the surface, every adaptive
// attachment through check_adaptive_card_1_4, and the size of the envelope.
std::vector<std::string> check_teams_message(const nlohmann::json& envelope,
                                             TeamsSurface surface = TeamsSurface::workflows);

}  // namespace rolecall
