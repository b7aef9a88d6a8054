#pragma once
// The weekly digest as a Slack message (Block Kit), for chat.postMessage.
//
// Limits: Slack's, as BlockKitLimits states them (block_kit_limits.hpp), the
// same for the digest as for every other Slack message: section texts and
// the header are cut with truncate_text, and lists that do not fit end in
// "and N more"; when the message as a whole has too many blocks or too much
// text (block_kit_fits), every list is shortened alike. The result passes
// enforce_block_kit_limits unchanged.
//
// All stored text (messages, topic titles, names, links) is escaped with
// mrkdwn_escape, links made with mrkdwn_link (slack_text.hpp): the helpers
// the answers and routing notices use. Pure; never throws except
// std::bad_alloc.

#include <cstddef>
#include <nlohmann/json.hpp>

#include "core/digest.hpp"

namespace rolecall {

// What the digest shows; Slack's limits are BlockKitLimits.
struct SlackDigestOptions {
  std::size_t max_list_items = 10;  // the most a list shows before "and N more"
  std::size_t excerpt_chars = 100;  // message texts are cut to this many characters
};

// {"text": <one-line summary, the notification fallback>, "blocks": [...]}.
// Add "channel" (and "thread_ts") to post it.
nlohmann::json render_digest_blocks(const Digest& digest, const SlackDigestOptions& options = {});

}  // namespace rolecall
