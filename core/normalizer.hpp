#pragma once
// Plain-text normalisation for the classifier: case, punctuation, tokens.
//
// The input is plain text. Platform markup (Slack mrkdwn spans and
// entities, Teams HTML and <at> mentions) is translated by the adapters
// before a message reaches the core (adapters/slack/slack_text.hpp,
// adapters/teams/teams_text.hpp, adapters/chat_text.hpp for corpus lines);
// here a "<" or "&lt;" is just characters. What the core still reads are the
// conventions of plain chat text on every platform: "> quoted" lines,
// ```code blocks``` and `inline code`, :emoji: and bare URLs.
//
// All functions are pure, never throw for any input bytes (invalid UTF-8 is
// passed through unchanged) and are safe to call from any thread.

#include <string>
#include <string_view>
#include <vector>

namespace rolecall {

// The words of a message as the classifier sees them: URLs, :emoji:,
// ```code blocks``` and "> quoted" lines dropped (inline `code` keeps its words), lower-cased
// (ASCII), split on anything that is not a letter or digit (non-ASCII letters count as letters),
// contractions reduced to their head ("who's" -> "who") and each word stemmed
// (see core/stemmer.hpp): "Who's grooming the stories?" -> {"who", "groom",
// "the", "story"}.
std::vector<std::string> tokenize(std::string_view text);

}  // namespace rolecall
