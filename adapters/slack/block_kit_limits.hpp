#pragma once
// Block Kit limits, enforced in one place. Every renderer in adapters/slack/
// passes its message through enforce_block_kit_limits() last, so no input
// (a 100 KB decision text, 500 decisions, a 300-character topic title) can
// make Slack reject a message with invalid_blocks / msg_blocks_too_long.
//
// Lengths are counted in Unicode code points (what Slack counts as
// characters); truncation never splits a UTF-8 sequence, a mrkdwn entity
// (&amp;) or a <…> span, and ends with "…".

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rolecall {

struct BlockKitLimits {
  static constexpr std::size_t max_blocks = 50;
  static constexpr std::size_t max_section_text = 3000;
  static constexpr std::size_t max_section_fields = 10;
  static constexpr std::size_t max_field_text = 2000;
  static constexpr std::size_t max_header_text = 150;
  static constexpr std::size_t max_context_elements = 10;
  static constexpr std::size_t max_actions_elements = 25;
  static constexpr std::size_t max_button_text = 75;
  static constexpr std::size_t max_button_value = 2000;
  static constexpr std::size_t max_id = 255;  // action_id, block_id
  // Top-level `text` (notification fallback) is cut by Slack above 40,000;
  // we keep it short because it shows in notifications.
  static constexpr std::size_t max_fallback_text = 3000;
  // Slack rejects messages with msg_blocks_too_long well below 50 x 3000
  // characters (bolt-js#2509: ~13K); stay under this total of block text.
  static constexpr std::size_t max_total_block_text = 11000;
};

// Number of code points in `text` (invalid UTF-8 bytes count as one each).
std::size_t slack_char_count(std::string_view text) noexcept;

// `text` if it has at most `max_chars` code points; otherwise its longest
// prefix that leaves room for "…", cut back before any unfinished "&…;"
// entity or "<…>" span, followed by "…". max_chars 0 gives "".
std::string truncate_text(std::string_view text, std::size_t max_chars);

// `head`, a prefix of mrkdwn text about to be cut, without a trailing
// unfinished entity ("&am") or span ("<@U12", "<https://x|lab"): what
// truncate_text cuts back to before it adds "…".
std::string_view without_unfinished_markup(std::string_view head) noexcept;

// True when enforce_block_kit_limits would keep every one of `blocks` (their
// number and their total text within the limits above; each block's own
// texts are cut separately). Renderers that shorten their lists until this
// holds (the digest) get through enforce_block_kit_limits unchanged.
bool block_kit_fits(const nlohmann::json& blocks);

// Rewrites `message` ({"text":…, "blocks":[…], …}) in place so it satisfies
// BlockKitLimits: truncates texts, drops surplus section fields / context and
// actions elements, and when there are too many blocks or too much block text
// keeps the first ones and ends with a context block "…and N more not shown".
// Every string in the message is made valid UTF-8 (valid_utf8, core/utf8.hpp) first.
// Unknown block types are left alone.
void enforce_block_kit_limits(nlohmann::json& message);

}  // namespace rolecall
