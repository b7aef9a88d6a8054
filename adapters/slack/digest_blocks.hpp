#pragma once
// The weekly digest as a Slack message (Block Kit), for chat.postMessage.
//
// Limits kept (platforms/slack.md §6): at most `max_blocks` blocks (Slack's
// cap is 50), every section text at most `max_section_chars` (3000), the
// header at most 150, and the whole message at most `max_total_chars` of
// block text (Slack refuses long messages with msg_blocks_too_long well
// below 50 x 3000). Lengths are measured in UTF-8 bytes, an upper bound of
// what Slack counts. Lists that do not fit end in "and N more"; when the
// message as a whole would be too long, every list is shortened alike.
//
// All stored text (messages, topic titles, names, links) is escaped for
// mrkdwn (& < > only, & first); links become <url|label> for http(s) URLs
// only. The result also passes enforce_block_kit_limits (block_kit_limits.hpp)
// unchanged. Pure; never throws except std::bad_alloc.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/digest.hpp"

namespace rolecall {

struct SlackDigestLimits {
  std::size_t max_blocks = 40;
  std::size_t max_section_chars = 3000;
  std::size_t max_total_chars = 10000;
  std::size_t max_list_items = 10;  // the most a list shows before "and N more"
  std::size_t excerpt_chars = 100;  // message texts are cut to this many characters
};

// {"text": <one-line summary, the notification fallback>, "blocks": [...]}.
// Add "channel" (and "thread_ts") to post it.
nlohmann::json render_digest_blocks(const Digest& digest, const SlackDigestLimits& limits = {});

// & -> &amp; (first), < -> &lt;, > -> &gt;.
std::string digest_mrkdwn_escape(std::string_view text);

// <url|label> with both escaped, for http:// and https:// URLs; otherwise
// just the escaped label.
std::string digest_mrkdwn_link(std::string_view url, std::string_view label);

}  // namespace rolecall
