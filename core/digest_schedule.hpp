#pragma once
// When a team's weekly digest is due, and which week it summarises.
//
// A DigestSchedule (core/team.hpp) is a local wall-clock time: ISO weekday,
// hour, minute, in the team's IANA zone. It is evaluated in that zone, so
// daylight-saving changes move nothing: "Monday 09:00 Europe/Berlin" is 09:00
// in Berlin in winter and in summer (08:00 and 07:00 UTC). Edge cases:
//  - a scheduled time inside a spring-forward gap (e.g. Sunday 02:30 on the
//    night clocks jump 02:00 -> 03:00) fires at the first valid local time
//    after it: 03:00;
//  - a scheduled time that occurs twice when clocks fall back (01:30 on the
//    night 02:00 -> 01:00) fires once, at the first of the two.
//
// The week-label rule: the digest that becomes due in ISO week W (in the
// team's zone) summarises week W-1, the last complete week. A Monday 09:00
// digest posted in 2026-W48 is labelled "2026-W47" and covers
// iso_week_range(2026-W47, zone). This holds for every weekday, so a Sunday
// evening schedule also reports the previous full week, not the one ending
// that night. The label is stable for the whole catch-up window, so the
// Store's digests-sent key (team, week label, destination) makes a restart
// or a second scheduler tick on the same day a no-op.
//
// Zones: see core/iso_week.hpp (pointer from date::locate_zone, nullptr = UTC,
// pure computation). These functions ignore DigestSchedule::time_zone; the
// caller resolves that name to `zone`. All functions are pure and
// thread-safe; they throw nothing but std::bad_alloc.

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/iso_week.hpp"
#include "core/team.hpp"

namespace rolecall {

// True when weekday is 1…7, hour 0…23 and minute 0…59.
bool schedule_valid(const DigestSchedule& schedule) noexcept;

// The earliest scheduled instant >= after_utc (epoch seconds UTC).
// nullopt when the schedule is disabled or invalid.
std::optional<std::int64_t> next_digest_time(const DigestSchedule& schedule,
                                             const date::time_zone* zone, std::int64_t after_utc);

// The latest scheduled instant <= at_utc. nullopt when disabled or invalid.
std::optional<std::int64_t> last_digest_time(const DigestSchedule& schedule,
                                             const date::time_zone* zone, std::int64_t at_utc);

// The week a digest scheduled at `occurrence_utc` summarises: the ISO week
// before the one containing the occurrence, on the zone's calendar.
IsoWeek digest_week_for(std::int64_t occurrence_utc, const date::time_zone* zone);

// The week to post now, if a digest is due: when `now_utc` lies within
// [s, s + catch_up] for the latest scheduled instant s <= now_utc, returns
// digest_week_for(s); otherwise (outside the window, disabled, invalid)
// nullopt. After downtime a digest missed by more than `catch_up` is
// skipped, not posted late; one missed by less is posted once (the caller
// dedupes on the returned label). A negative catch_up counts as zero.
std::optional<IsoWeek> due_digest(const DigestSchedule& schedule, const date::time_zone* zone,
                                  std::int64_t now_utc, std::chrono::seconds catch_up);

}  // namespace rolecall
