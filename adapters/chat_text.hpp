#pragma once
// A chat line of unknown origin (a corpus line, `rolecall classify` input)
// translated to plain text by the adapter of the platform whose markup it
// carries. The live endpoints know their platform and call that adapter
// directly; this is for text that comes without one. Pure; thread-safe;
// never throws (apart from std::bad_alloc).

#include <optional>
#include <string>
#include <string_view>

#include "adapters/plain_text_use.hpp"

namespace rolecall {

enum class ChatMarkup {
  slack,  // mrkdwn: <@U…>, <#C…|name>, <!here>, <https://…|label>, &amp; &lt; &gt;
  teams,  // HTML: tags, entities, <at>Name</at>
};

// "slack" / "teams"; nullopt for anything else.
std::optional<ChatMarkup> chat_markup_from_string(std::string_view name) noexcept;

// Slack when the text has a Slack span ("<@", "<#", "<!", "<http://",
// "<https://", "<mailto:"), which no Teams message carries raw (Teams sends a
// typed "<" as &lt;); Teams otherwise: its translation keeps plain text as it
// is and reads HTML and every entity.
ChatMarkup detect_chat_markup(std::string_view text) noexcept;

// slack_to_plain or teams_to_plain, by `markup`.
std::string chat_text_to_plain(std::string_view text, ChatMarkup markup, PlainTextUse use);

// chat_text_to_plain(text, detect_chat_markup(text), use).
std::string chat_text_to_plain(std::string_view text, PlainTextUse use);

}  // namespace rolecall
