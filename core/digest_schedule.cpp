#include "core/digest_schedule.hpp"

#include <algorithm>

namespace rolecall {

namespace {

// The scheduled instant in the ISO week that starts on `monday` (local).
std::int64_t occurrence_in_week(const DigestSchedule& s, date::local_days monday,
                                const date::time_zone* zone) {
  const date::local_seconds local = date::local_seconds{monday + date::days{s.weekday - 1}} +
                                    std::chrono::hours{s.hour} + std::chrono::minutes{s.minute};
  return utc_of_local(local, zone);
}

// Monday of the local week containing instant `utc`.
date::local_days local_monday_at(std::int64_t utc, const date::time_zone* zone) {
  return monday_of(iso_week_at(utc, zone));
}

}  // namespace

bool schedule_valid(const DigestSchedule& schedule) noexcept {
  return schedule.weekday >= 1 && schedule.weekday <= 7 && schedule.hour <= 23 &&
         schedule.minute <= 59;
}

// Offsets change by at most a few hours, far less than a week, so the
// answer lies in the week of the reference instant or a neighbour: look at
// three weeks around it.
std::optional<std::int64_t> next_digest_time(const DigestSchedule& schedule,
                                             const date::time_zone* zone, std::int64_t after_utc) {
  if (!schedule.enabled || !schedule_valid(schedule)) return std::nullopt;
  const date::local_days monday = local_monday_at(after_utc, zone);
  for (int k = -1; k <= 1; ++k) {
    const std::int64_t t = occurrence_in_week(schedule, monday + date::days{7 * k}, zone);
    if (t >= after_utc) return t;
  }
  return occurrence_in_week(schedule, monday + date::days{14}, zone);
}

std::optional<std::int64_t> last_digest_time(const DigestSchedule& schedule,
                                             const date::time_zone* zone, std::int64_t at_utc) {
  if (!schedule.enabled || !schedule_valid(schedule)) return std::nullopt;
  const date::local_days monday = local_monday_at(at_utc, zone);
  for (int k = 1; k >= -1; --k) {
    const std::int64_t t = occurrence_in_week(schedule, monday + date::days{7 * k}, zone);
    if (t <= at_utc) return t;
  }
  return occurrence_in_week(schedule, monday - date::days{14}, zone);
}

IsoWeek digest_week_for(std::int64_t occurrence_utc, const date::time_zone* zone) {
  return previous_week(iso_week_at(occurrence_utc, zone));
}

std::optional<IsoWeek> due_digest(const DigestSchedule& schedule, const date::time_zone* zone,
                                  std::int64_t now_utc, std::chrono::seconds catch_up) {
  const std::optional<std::int64_t> last = last_digest_time(schedule, zone, now_utc);
  if (!last) return std::nullopt;
  const std::int64_t window = std::max<std::int64_t>(catch_up.count(), 0);
  if (now_utc - *last > window) return std::nullopt;
  return digest_week_for(*last, zone);
}

}  // namespace rolecall
