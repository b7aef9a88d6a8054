#pragma once
// The weekly digest as an Adaptive Card 1.4 for a Teams channel, posted
// through a Workflows webhook (platforms/teams.md §2.2, §3).
//
// Rules kept: version "1.4" and 1.4 elements only (TextBlock, FactSet,
// Container; no Table), no actions (links are markdown), and the compact
// UTF-8 JSON of the whole Workflows message below `max_bytes` (Teams refuses
// messages over ~28 KB): lists are shortened alike until it fits, each
// ending in "and N more". Stored text is escaped for TextBlock markdown
// (a backslash before * _ [ ]) and made valid UTF-8. Pure; never throws
// except std::bad_alloc.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/digest.hpp"

namespace rolecall {

struct TeamsDigestLimits {
  std::size_t max_bytes = 26 * 1024;  // budget for the whole envelope (limit ~28 KB)
  std::size_t max_list_items = 15;    // the most a list shows before "and N more"
  std::size_t excerpt_chars = 100;    // message texts are cut to this many characters
};

// The Workflows message: {"type":"message","attachments":[{"contentType":
// "application/vnd.microsoft.card.adaptive","contentUrl":null,"content":CARD}]},
// fitted under limits.max_bytes. POST it as application/json; charset=utf-8.
nlohmann::json render_digest_message(const Digest& digest, const TeamsDigestLimits& limits = {});

// Just the card, with at most `max_list_items` per list (no size fitting).
nlohmann::json render_digest_card(const Digest& digest, const TeamsDigestLimits& limits = {});

// Wraps a card in the Workflows message envelope.
nlohmann::json workflow_message(nlohmann::json card);

// Backslash before the characters TextBlock markdown would take for
// formatting: * _ [ ] (and a backslash itself is left as it is).
std::string teams_markdown_escape(std::string_view text);

// [label](url) for http(s) URLs (spaces and parentheses percent-encoded),
// else the escaped label.
std::string teams_markdown_link(std::string_view url, std::string_view label);

}  // namespace rolecall
