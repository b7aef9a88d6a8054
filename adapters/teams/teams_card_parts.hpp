#pragma once
// Building blocks shared by the Teams card renderers: the Adaptive Card
// skeleton, the two message envelopes, markdown escaping.
//
// Pure; thread-safe; never throw.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rolecall {

inline constexpr std::string_view kTeamsAdaptiveContentType =
    "application/vnd.microsoft.card.adaptive";

// Budget renderers fit into: under kTeamsMaxMessageBytes (28 KB) with a
// margin, because the service's own accounting is not documented exactly.
inline constexpr std::size_t kTeamsCardBudgetBytes = std::size_t{26} * 1024;

// {"type":"AdaptiveCard","$schema":…,"version":"1.4","body":[]}
nlohmann::json teams_card_skeleton();

// The synchronous outgoing-webhook reply: text (shown above the card, and
// the fallback where the card cannot render) plus the card.
nlohmann::json teams_reply_envelope(std::string text, nlohmann::json card);

// The body POSTed to a Workflows "When a Teams webhook request is received"
// URL: the template iterates `attachments`, and needs contentUrl present.
nlohmann::json teams_workflow_envelope(nlohmann::json card);

// The card inside an envelope made by the functions above (nullptr if none).
const nlohmann::json* teams_card_of(const nlohmann::json& envelope);

// Escapes user-supplied text for TextBlock / FactSet markdown: \ * _ [ ] ` ~
// and < > (so typed "<at>" markup never becomes a broken mention) get a
// backslash; newlines become spaces. The one Teams escaper: answers, routing
// notices, the decision log and the digest use it.
std::string escape_teams_markdown(std::string_view text);

// [label](url), the label escaped and made valid UTF-8, for http(s) URLs
// (spaces and parentheses percent-encoded, line breaks dropped, so the URL
// cannot end early); else just the escaped label.
std::string teams_markdown_link(std::string_view url, std::string_view label);

// Cuts `text` to at most `max_bytes` bytes on a UTF-8 boundary, adding "…"
// when it cut.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

// "2024-06-11" (UTC) for epoch seconds; "" for 0.
std::string teams_format_date(std::int64_t epoch_seconds);

// True for absolute http(s) URLs, the only ones Action.OpenUrl gets.
bool is_web_url(std::string_view url) noexcept;

nlohmann::json text_block(std::string text, bool wrap = true);
nlohmann::json fact(std::string title, std::string value);

}  // namespace rolecall
