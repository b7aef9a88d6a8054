#pragma once
// ISO 8601 weeks ("2026-W47": Monday to Sunday, week 1 holds the year's first
// Thursday) and the conversions between a team's local calendar and UTC that
// the weekly digest needs.
//
// Time zones: every function taking a `const date::time_zone*` is a pure
// computation over the zone's rules. The caller obtains the pointer once with
// date::locate_zone(name) (which reads the system tz database,
// /usr/share/zoneinfo, and throws std::runtime_error for an unknown name) and
// keeps it: zones live as long as the process. nullptr means UTC. The date
// library loads a zone's transitions lazily, once, on its first query
// (thread-safe); after that nothing touches the file system.
//
// Times are Unix epoch seconds (UTC), like the Store's.

#include <date/date.h>

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace rolecall {

struct IsoWeek {
  int year = 1970;    // ISO week-based year (differs from the calendar year near Jan 1)
  unsigned week = 1;  // 1 … 52 or 53
  friend auto operator<=>(const IsoWeek&, const IsoWeek&) = default;
};

// Half-open range [start, end) of UTC epoch seconds.
struct UtcRange {
  std::int64_t start = 0;
  std::int64_t end = 0;
  bool contains(std::int64_t t) const noexcept { return start <= t && t < end; }
};

// 52 or 53.
unsigned iso_weeks_in_year(int year) noexcept;

// "YYYY-Www" exactly (4-digit year, 'W' or 'w', 2-digit week that exists in
// that year). nullopt for anything else.
std::optional<IsoWeek> parse_iso_week(std::string_view text) noexcept;

// "YYYY-Www", e.g. "2026-W05". This label is the digest's identity (the
// Store's digests-sent key) and the CLI's --week value.
std::string to_string(const IsoWeek& week);

IsoWeek iso_week_of(date::local_days day) noexcept;
IsoWeek previous_week(const IsoWeek& week) noexcept;
IsoWeek next_week(const IsoWeek& week) noexcept;
// The Monday of the week, as a calendar date (no zone).
date::local_days monday_of(const IsoWeek& week) noexcept;

// The UTC instant at which `local` happens in `zone`:
//  - a local time that occurs once: that instant;
//  - one skipped by a spring-forward gap (02:30 on the night clocks jump
//    02:00 -> 03:00): the first valid instant after it, i.e. the moment of
//    the jump (03:00 local);
//  - one that occurs twice (fall back): the earlier instant.
std::int64_t utc_of_local(date::local_seconds local, const date::time_zone* zone);

// Local wall-clock time in `zone` at the UTC instant `utc`.
date::local_seconds local_of_utc(std::int64_t utc, const date::time_zone* zone);

// The ISO week that contains instant `utc` on the wall calendar of `zone`.
IsoWeek iso_week_at(std::int64_t utc, const date::time_zone* zone);

// [Monday 00:00, next Monday 00:00) of `week` in `zone`, as UTC. A week that
// spans a DST change is 167 or 169 hours long. A midnight skipped by a gap
// starts at the first valid instant after it (see utc_of_local).
UtcRange iso_week_range(const IsoWeek& week, const date::time_zone* zone);

}  // namespace rolecall
