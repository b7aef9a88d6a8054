#pragma once
// The weekly digest as an Adaptive Card 1.4 for a Teams channel, posted
// through a Workflows webhook (platforms/teams.md §2.2, §3).
//
// Rules kept: version "1.4" and 1.4 elements only (TextBlock, FactSet,
// Container; no Table), no actions (links are markdown), and the whole
// Workflows message within TeamsCardOptions::max_message_bytes (measured as
// every Teams renderer measures it, teams_message_bytes): lists are
// shortened alike until it fits, each ending in "and N more". Stored text
// goes through the Teams helpers the answers use (teams_card_parts.hpp):
// escape_teams_markdown, teams_markdown_link, valid UTF-8. Pure; never
// throws except std::bad_alloc.

#include <nlohmann/json.hpp>

#include "adapters/teams/teams_cards.hpp"
#include "core/digest.hpp"

namespace rolecall {

// The Teams limits and options every renderer takes, with the digest's
// own default list length (a digest has several lists in one message).
TeamsCardOptions teams_digest_options();

// The Workflows message: {"type":"message","attachments":[{"contentType":
// "application/vnd.microsoft.card.adaptive","contentUrl":null,"content":CARD}]},
// fitted under options.max_message_bytes. POST it as application/json; charset=utf-8.
nlohmann::json render_digest_message(const Digest& digest,
                                     const TeamsCardOptions& options = teams_digest_options());

// Just the card, with at most `options.max_list_items` per list (no size fitting).
nlohmann::json render_digest_card(const Digest& digest,
                                  const TeamsCardOptions& options = teams_digest_options());

}  // namespace rolecall
