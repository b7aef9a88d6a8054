#pragma once
// Slack message text <-> plain text. Slack encodes message text as mrkdwn:
// `<…>` spans for mentions, channels, links and specials, and exactly three
// HTML entities (&amp; &lt; &gt;) for literal characters. Pure; never throws
// (apart from std::bad_alloc).

#include <string>
#include <string_view>

#include "adapters/plain_text_use.hpp"

namespace rolecall {

// Slack's markup translated to plain text, the one place it is read (the
// core takes plain text). Spans are replaced first, then the entities are
// unescaped (so an escaped "&lt;@U1&gt;" stays literal text "<@U1>" and is
// not taken for a mention). For people:
//   <@U1|ana> -> @ana     <@U1> -> @U1       <#C1|general> -> #general   <#C1> -> #C1
//   <https://a|b> -> b    <https://a> -> https://a   <mailto:x@y|x@y> -> x@y
//   <!here> -> @here      <!channel> / <!everyone> likewise
//   <!subteam^S1|@devs> -> @devs   <!date^123^{date}|Mon> -> Mon   <!foo> -> @foo
// An unterminated '<' is kept as literal text. For the classifier (see
// PlainTextUse), mentions, channels and specials become "," and a link
// <https://a|b> becomes ",b," (without a label ","); the rest as for people:
//   "<@U1> can we <https://a|fix APP-7>?" -> ", can we ,fix APP-7,?"
// Emphasis (*bold*, _it_, ~strike~) and `code` are left as they are: to the
// classifier's tokenizer they are punctuation, and people read them as typed.
std::string slack_to_plain(std::string_view text, PlainTextUse use = PlainTextUse::people);

// Removes a leading mention of the bot (`<@BOT>` or `<@BOT|name>`, after
// optional whitespace) plus the whitespace and one ':' or ',' after it.
// Works on raw Slack text (call before slack_to_plain). Text that does not
// start with that mention, or an empty `bot_user_id`, is returned unchanged.
std::string strip_leading_mention(std::string_view text, std::string_view bot_user_id);

// Escapes user- or database-provided text for interpolation into mrkdwn:
// & -> &amp; (first), < -> &lt;, > -> &gt;. Nothing else is touched.
// The one mrkdwn escaper: answers, routing notices and the digest use it.
std::string mrkdwn_escape(std::string_view text);

// <url|label> with both escaped (the label made valid UTF-8), for http://
// and https:// URLs ('|' and whitespace in the URL percent-encoded, as they
// would end it); otherwise just the escaped label.
std::string mrkdwn_link(std::string_view url, std::string_view label);

}  // namespace rolecall
