#pragma once
// One chat message as the use cases see it, whichever platform brought it:
// plain text (the adapter already turned the platform's markup into text)
// and how it was addressed to rolecall.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/team.hpp"

namespace rolecall {

enum class Addressing {
  mention,         // @rolecall in a channel (Slack app_mention, every Teams webhook message)
  direct_message,  // a DM to the bot
  intake_channel,  // a top-level message in a team's intake channel, not addressed
  slash_command,   // /whoowns: answer only
  console,         // the web console's message box (behaves like a mention)
};
std::string_view to_string(Addressing a) noexcept;
// Spoken to directly: everything but a message that merely appeared in an
// intake channel.
constexpr bool is_addressed(Addressing a) noexcept { return a != Addressing::intake_channel; }

struct InboundMessage {
  std::string platform;  // "slack" | "teams" | "console"
  Addressing addressing = Addressing::mention;
  const Team* team = nullptr;  // nullptr: no team known (answers name roles, not people)
  std::string channel;
  std::string author;  // platform user id or display name
  std::string text;    // plain text for people (replies, the routing log)
  // The same message as the classifier reads it (the adapter's translation
  // for PlainTextUse::classifier: mentions and links as clause breaks).
  // Empty: `text` (typed plain text, as on the console).
  std::string classifier_text;
  std::string message_id;  // Slack ts / Teams activity id / console sequence
  // The root message of the thread this message replies in (same id space as
  // message_id: Slack thread_ts, Teams messageid=); empty for a top-level
  // message and where there are no threads (console, slash commands).
  std::string thread_root_id;
  std::string link;  // permalink when known
  // Keys remembered in the same commit as the outcome (Slack event id and
  // channel:ts, Teams activity id). When one was seen before, the message
  // is a duplicate: nothing is stored or sent again.
  std::vector<std::string> dedupe_keys;

  const std::string& text_to_classify() const noexcept {
    return classifier_text.empty() ? text : classifier_text;
  }
};

}  // namespace rolecall
