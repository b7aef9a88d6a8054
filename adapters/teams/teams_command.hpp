#pragma once
// What a person asks rolecall for in a Teams message, after the webhook's own
// mention is removed (TeamsActivity::clean_text). Outgoing webhooks cannot
// carry buttons, so acknowledge / reassign / dismiss are typed commands:
// "@rolecall reassign #42 to po".
//
// Pure; thread-safe; never throws.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/role.hpp"

namespace rolecall {

enum class TeamsCommandKind {
  help,       // "help", "?", "commands", or nothing at all
  decision,   // "decision TEXT", "decision: TEXT", "decide: TEXT", "decided: TEXT"
  decisions,  // "decisions", "decisions list", "list decisions", "decisions TEXT" (filter)
  reassign,   // "reassign", "reassign to po|pm|product owner|product manager", "reassign #42"
  ack,        // "ack", "acknowledge", "acknowledged", optional "#42"
  dismiss,    // "dismiss", "not a request", optional "#42"
  message     // anything else: classify it (a question or a request)
};

std::string_view to_string(TeamsCommandKind kind) noexcept;

struct TeamsCommand {
  TeamsCommandKind kind = TeamsCommandKind::message;
  // decision: the decision text (may be empty: ask what was decided);
  // decisions: the filter text (empty = all); message: the whole text.
  std::string text;
  std::optional<Role> reassign_to;         // reassign: the role named, if any
  std::optional<std::int64_t> routing_id;  // ack / dismiss / reassign: "#42" or "42", if given
};

// Case-insensitive; leading punctuation and whitespace (",", ":", "-", "/",
// "!" …) and trailing ".!" are ignored. A "decision …" ending in '?' is a
// question, not a decision to log. Command words followed by words that are
// not part of the command ("reassign the login bug to Sam") are messages.
TeamsCommand parse_teams_command(std::string_view clean_text);

}  // namespace rolecall
