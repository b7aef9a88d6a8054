#pragma once
// Chat text clean-up shared by the adapters and the classifier.
//
// Slack sends message text with its own markup: spans in angle brackets
// (<@U123>, <@U123|name>, <#C123|general>, <https://x|label>, <!here>,
// <!subteam^S1|@devs>, <!date^…|fallback>) and the three entities &amp; &lt;
// &gt;. Teams sends <at>Name</at> mentions, the odd HTML tag (<p>, <br>) and
// HTML entities (&nbsp;, &#39;, …). Both are handled by the same functions
// because nothing in them is ambiguous: a literal "<" typed by a Slack user
// always arrives as &lt;, and spans are resolved before entities are decoded
// (Slack's documented parse order), so "&lt;@U1&gt;" stays the literal text
// "<@U1>".
//
// All functions are pure, never throw for any input bytes (invalid UTF-8 is
// passed through unchanged) and are safe to call from any thread.

#include <string>
#include <string_view>
#include <vector>

namespace rolecall {

struct MarkupOptions {
  // false (default): user mentions stay readable (<@U1|ana> -> "@ana",
  // <@U1> -> "@U1", <at>Ana Lee</at> -> "Ana Lee"). true: they are removed,
  // which is what the classifier wants and what a bot does with the mention
  // that addressed it.
  bool drop_mentions = false;
};

// Display text for a Slack or Teams message:
//   <@U1|ana> -> "@ana"      <@U1> -> "@U1"          <at>Ana</at> -> "Ana"
//   <#C1|general> -> "#general"  <#C1> -> "#C1"
//   <!here> -> "@here"  <!channel> -> "@channel"  <!subteam^S1|@devs> -> "@devs"
//   <!date^1392734382^{date_short}|Feb 18> -> "Feb 18"
//   <https://x|label> -> "label"  <https://x> -> "https://x"  <mailto:a@b|a@b> -> "a@b"
//   HTML tags are removed (<br>, <p>, <div> become line breaks), entities are
//   decoded (&nbsp; becomes a plain space), runs of spaces collapse to one and
//   the result is trimmed. Code, emphasis, :emoji: and "> quote" lines are left
//   as they are: they are display formatting, not markup.
std::string strip_markup(std::string_view text, const MarkupOptions& options = {});

// Removes the mentions of one bot from raw (still marked-up) text: Slack
// <@BOTID> / <@BOTID|anything> where BOTID equals `bot` exactly, and Teams
// <at>NAME</at> where NAME equals `bot` ignoring ASCII case. Other mentions
// stay ("who owns X, <at>Alex</at> or <at>Sam</at>?" keeps Alex and Sam).
// The result is trimmed; pass it on to strip_markup for display.
std::string strip_bot_mention(std::string_view text, std::string_view bot);

// The words of a message as the classifier sees them: markup resolved,
// mentions, channel names, URLs, :emoji:, ```code blocks``` and "> quoted"
// lines dropped (inline `code` keeps its words), lower-cased (ASCII), split on
// anything that is not a letter or digit (non-ASCII letters count as letters),
// contractions reduced to their head ("who's" -> "who") and each word stemmed
// (see core/stemmer.hpp): "Who's grooming the stories?" -> {"who", "groom",
// "the", "story"}.
std::vector<std::string> tokenize(std::string_view text);

}  // namespace rolecall
