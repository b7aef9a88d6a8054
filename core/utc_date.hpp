#pragma once
// A moment as the calendar date people read in chat: "2024-06-11" (UTC).
// One formatter for the plain-text answers, Slack's date fallback and the
// Teams cards, so they never disagree on a date.

#include <cstdint>
#include <string>

namespace rolecall {

// "YYYY-MM-DD" of `epoch_seconds` in UTC.
std::string utc_date(std::int64_t epoch_seconds);

}  // namespace rolecall
