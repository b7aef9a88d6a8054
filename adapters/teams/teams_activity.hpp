#pragma once
// Parsing of the Activity JSON a Teams outgoing webhook POSTs
// (shared/platforms/teams.md section 1.2). Verify the HMAC on the raw bytes
// first (teams_signature.hpp); this only reads them.
//
// Pure functions; thread-safe; never throw (malformed input is a value).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/plain_text_use.hpp"

namespace rolecall {

struct TeamsMention {
  std::string id;    // mentioned.id: "29:…" for people, "28:…" for the webhook itself
  std::string name;  // mentioned.name
  std::string text;  // the markup as it appears in `text`, e.g. "<at>Alex</at>"
};

struct TeamsActivity {
  std::string id;    // activity id (digits); the idempotency key
  std::string type;  // always "message" for a parsed activity
  std::string text;  // raw text with <at> markup and HTML entities
  // `text` with the webhook's own mention removed, other mentions turned into
  // plain names, HTML tags and entities translated (teams_to_plain),
  // whitespace collapsed and trimmed: what people read and the logs keep.
  std::string clean_text;
  // The same message for the classifier (PlainTextUse::classifier): other
  // mentions are clause breaks, line structure kept.
  std::string classifier_text;
  std::string from_id;                 // "29:…"
  std::string from_name;               // display name
  std::string from_aad;                // Entra object id; empty in old payloads
  std::string conversation_id;         // "19:…@thread.tacv2;messageid=…"
  std::string thread_root_id;          // the messageid= part of conversation_id, if any
  std::string channel_id;              // channelData.channel.id, else channelData.teamsChannelId
  std::string team_id;                 // channelData.team.id, else channelData.teamsTeamId
  std::string tenant_id;               // channelData.tenant.id, else conversation.tenantId
  std::string service_url;             // serviceUrl
  std::vector<TeamsMention> mentions;  // every `mention` entity, in order
};

enum class TeamsActivityError {
  none,
  malformed_json,  // the body is not JSON
  not_an_object,   // JSON, but not an object
  missing_text,    // no "text", or it is not a string
  not_a_message    // "type" is absent or not "message"
};

std::string_view to_string(TeamsActivityError error) noexcept;

struct TeamsActivityResult {
  std::optional<TeamsActivity> activity;  // set exactly when error == none
  TeamsActivityError error = TeamsActivityError::none;

  bool ok() const noexcept { return activity.has_value(); }
};

// Parses the raw body. `bot_name` is the webhook's configured display name
// ("" when unknown); it decides which <at> tag is the webhook's own (see
// clean_teams_text).
TeamsActivityResult parse_teams_activity(std::string_view raw_body, std::string_view bot_name = {});

// The id of the thread's root when the activity is a reply in a channel
// thread: the messageid= part of conversation.id (shared/platforms/teams.md
// 1.2) when it differs from the activity's own id. A top-level post carries
// its own id there; then, and when conversation.id has no messageid=, "".
// The one place rolecall reads a Teams thread's root (corrections in a
// routed request's thread, questions about it).
std::string_view teams_thread_root(const TeamsActivity& activity) noexcept;

// Text cleaning, exposed for tests and other adapters. Which mention is the
// webhook's own: the tag whose name equals `bot_name` (case-insensitive), else
// the text of a mention entity whose id starts with "28:", else the first
// <at>…</at> in the text (Teams only calls the webhook when it is mentioned).
// All occurrences of the webhook's tag are removed; the first-tag fallback
// removes only the first tag. For people, other <at> tags become their inner
// text, the rest of the HTML is translated by teams_to_plain, whitespace
// (line breaks included) collapses and leading ",;:" left over from
// addressing ("<at>Bot</at>: help") is dropped. For the classifier, other
// <at> tags become "," and the rest is teams_to_plain(…, classifier).
std::string clean_teams_text(std::string_view text, const std::vector<TeamsMention>& mentions,
                             std::string_view bot_name = {},
                             PlainTextUse use = PlainTextUse::people);

// Decodes &amp; &lt; &gt; &quot; &apos; &nbsp; &ndash; &mdash; &hellip; and
// numeric references
// (&#NNN; &#xHH;) into UTF-8; &nbsp; and U+00A0 become a plain space.
// Unknown or malformed references are kept verbatim.
std::string decode_html_entities(std::string_view text);

}  // namespace rolecall
