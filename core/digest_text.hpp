#pragma once
// The digest as plain text for the terminal (`rolecall digest --preview`),
// and the phrases every rendering shares so Slack, Teams and the terminal
// say the same thing. No markup anywhere here: renderers escape these
// strings for their own markup.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/digest.hpp"
#include "core/utf8.hpp"  // valid_utf8, used by every renderer of these strings

namespace rolecall {

struct DigestTextOptions {
  std::size_t max_items = 20;       // per list; the rest is "and N more"
  std::size_t excerpt_chars = 100;  // message texts are cut to this many characters
};

// The whole digest, lines separated by '\n', ending with '\n'. An empty
// week is one line.
std::string render_digest_text(const Digest& digest, const DigestTextOptions& options = {});

// "Weekly alignment digest: Checkout, 2026-W47 (16–22 Nov 2026)"
std::string digest_title(const Digest& digest);
// "16–22 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027"
std::string week_dates(const IsoWeek& week);
// "Nothing to report for Checkout in 2026-W47: no requests, questions, reassignments or decisions,
// and nothing waiting."
std::string empty_week_line(const Digest& digest);
// One-line summary, also the notification text of chat messages:
// "Checkout, 2026-W47: 12 requests (PM 7, PO 5), 3 reassigned, 2 unacknowledged, 1 decision, 4
// questions."
std::string digest_summary(const Digest& digest);
// "Strategy (PM) 58% · execution (PO) 42% of 12 requests; strategy +8 pp vs the week
// before (50%)." Without figures for the week before: "…; no figures for the week before."
// Without PM/PO requests: "No requests went to the PM or the PO."
std::string share_line(const Digest& digest);
// "'Release dates': PM → PO ×4"
std::string hotspot_line(const MoveHotspot& hotspot);
// "3 h", "52 h", "4 d" (hours below 72 h, else whole days).
std::string age_text(std::int64_t seconds);
// Whitespace runs (newlines included) collapsed to one space, trimmed, and
// cut to at most `max_chars` code points at a code point boundary, with "…"
// when cut. Invalid UTF-8 bytes become U+FFFD so JSON encoders never throw.
std::string excerpt(std::string_view text, std::size_t max_chars);
// How many decisions of each group (Digest::decisions) to show when at most
// `max_items` fit: shared out one at a time in group order, so every role
// gets a line before any gets a second.
std::vector<std::size_t> decision_quotas(const Digest& digest, std::size_t max_items);
// The heading of a role's group of decisions: "Product Manager", "Shared (PM and PO)", …
std::string role_heading(Role role);
// "and 12 more"
std::string and_more(std::size_t n);
// A request's label: its excerpt, or "request #42 (Pricing)" without text.
std::string request_label(const PendingRequest& request, std::size_t max_chars);
std::string question_label(const QuestionItem& question, std::size_t max_chars);

}  // namespace rolecall
