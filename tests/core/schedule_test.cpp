// The digest schedule against the system tz database: DST in Europe and the
// US, a half-hour zone, catch-up after downtime, and the week label.

#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>

#include "core/digest_schedule.hpp"

namespace rolecall {
namespace {

using namespace std::chrono_literals;

std::int64_t utc(int y, unsigned m, unsigned d, unsigned h = 0, unsigned min = 0) {
  const date::sys_seconds t =
      date::sys_days{date::year{y} / m / d} + std::chrono::hours{h} + std::chrono::minutes{min};
  return t.time_since_epoch().count();
}

DigestSchedule at(unsigned weekday, unsigned hour, unsigned minute) {
  DigestSchedule s;
  s.weekday = weekday;
  s.hour = hour;
  s.minute = minute;
  return s;
}

const DigestSchedule monday_9 = at(1, 9, 0);

TEST(DigestSchedule, NewYorkResolvesFromTheSystemDatabaseWithDst) {
  const date::time_zone* ny = date::locate_zone("America/New_York");
  ASSERT_NE(ny, nullptr);
  EXPECT_EQ(ny->name(), "America/New_York");
  // Summer (EDT, UTC-4) and winter (EST, UTC-5) offsets come from the data.
  EXPECT_EQ(ny->get_info(date::sys_seconds{std::chrono::seconds{utc(2026, 7, 1)}}).offset, -4h);
  EXPECT_EQ(ny->get_info(date::sys_seconds{std::chrono::seconds{utc(2026, 1, 15)}}).offset, -5h);
  EXPECT_THROW(date::locate_zone("Mars/Olympus_Mons"), std::runtime_error);
}

TEST(DigestSchedule, BuildAgreesWithTheLibraryTzdbAbi) {
  // libdate-tz is built with USE_OS_TZDB=1, which changes sizeof(time_zone).
  // Compiled without it, walking the zone list reads garbage (wrong count,
  // empty names); core/CMakeLists.txt sets it PUBLIC.
  static_assert(USE_OS_TZDB == 1);
  const auto& zones = date::get_tzdb().zones;
  bool found = false;
  for (const auto& z : zones) {
    EXPECT_FALSE(z.name().empty());
    found = found || z.name() == "Asia/Kolkata";
  }
  EXPECT_TRUE(found);
}

TEST(DigestSchedule, DefaultIsMondayNineLocal) {
  DigestSchedule d;
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.weekday, 1u);
  EXPECT_EQ(d.hour, 9u);
  EXPECT_EQ(d.minute, 0u);
  // 2026-11-23 is a Monday.
  EXPECT_EQ(next_digest_time(d, nullptr, utc(2026, 11, 20)), utc(2026, 11, 23, 9));
}

TEST(DigestSchedule, BerlinKeepsNineLocalAcrossMarchChange) {
  const auto* berlin = date::locate_zone("Europe/Berlin");
  // Clocks jump on Sunday 2026-03-29: Monday 23rd is CET, Monday 30th CEST.
  EXPECT_EQ(next_digest_time(monday_9, berlin, utc(2026, 3, 20)), utc(2026, 3, 23, 8));
  EXPECT_EQ(next_digest_time(monday_9, berlin, utc(2026, 3, 23, 8) + 1), utc(2026, 3, 30, 7));
}

TEST(DigestSchedule, BerlinKeepsNineLocalAcrossOctoberChange) {
  const auto* berlin = date::locate_zone("Europe/Berlin");
  // Back to CET on Sunday 2026-10-25.
  EXPECT_EQ(next_digest_time(monday_9, berlin, utc(2026, 10, 19)), utc(2026, 10, 19, 7));
  EXPECT_EQ(next_digest_time(monday_9, berlin, utc(2026, 10, 19, 7) + 1), utc(2026, 10, 26, 8));
}

TEST(DigestSchedule, NewYorkKeepsNineLocalInMarchAndNovember) {
  const auto* ny = date::locate_zone("America/New_York");
  EXPECT_EQ(next_digest_time(monday_9, ny, utc(2026, 3, 1)), utc(2026, 3, 2, 14));
  EXPECT_EQ(next_digest_time(monday_9, ny, utc(2026, 3, 2, 15)), utc(2026, 3, 9, 13));
  EXPECT_EQ(next_digest_time(monday_9, ny, utc(2026, 10, 26)), utc(2026, 10, 26, 13));
  EXPECT_EQ(next_digest_time(monday_9, ny, utc(2026, 10, 26, 14)), utc(2026, 11, 2, 14));
}

TEST(DigestSchedule, AtOrAfterIncludesTheInstantItself) {
  const auto* ny = date::locate_zone("America/New_York");
  EXPECT_EQ(next_digest_time(monday_9, ny, utc(2026, 3, 2, 14)), utc(2026, 3, 2, 14));
  EXPECT_EQ(last_digest_time(monday_9, ny, utc(2026, 3, 2, 14)), utc(2026, 3, 2, 14));
  EXPECT_EQ(last_digest_time(monday_9, ny, utc(2026, 3, 2, 14) - 1), utc(2026, 2, 23, 14));
}

TEST(DigestSchedule, SpringForwardGapFiresAtFirstValidTimeAfter) {
  // Sunday 02:30 does not exist on the night of the change: 03:00 local.
  const DigestSchedule sunday_0230 = at(7, 2, 30);
  const auto* berlin = date::locate_zone("Europe/Berlin");
  EXPECT_EQ(next_digest_time(sunday_0230, berlin, utc(2026, 3, 28)), utc(2026, 3, 29, 1));
  // The week before and after are ordinary.
  EXPECT_EQ(next_digest_time(sunday_0230, berlin, utc(2026, 3, 21)), utc(2026, 3, 22, 1, 30));
  EXPECT_EQ(next_digest_time(sunday_0230, berlin, utc(2026, 3, 29, 1) + 1), utc(2026, 4, 5, 0, 30));

  const auto* ny = date::locate_zone("America/New_York");
  EXPECT_EQ(next_digest_time(sunday_0230, ny, utc(2026, 3, 7)), utc(2026, 3, 8, 7));
}

TEST(DigestSchedule, RepeatedHourFiresOnceAtTheFirstOccurrence) {
  // 01:30 happens twice in New York on 2026-11-01 (EDT, then EST).
  const DigestSchedule sunday_0130 = at(7, 1, 30);
  const auto* ny = date::locate_zone("America/New_York");
  const std::int64_t first = utc(2026, 11, 1, 5, 30);
  EXPECT_EQ(next_digest_time(sunday_0130, ny, utc(2026, 10, 31)), first);
  // Not again an hour later, at the second 01:30: the next one is a week on.
  EXPECT_EQ(next_digest_time(sunday_0130, ny, first + 1), utc(2026, 11, 8, 6, 30));

  const DigestSchedule sunday_0230 = at(7, 2, 30);
  const auto* berlin = date::locate_zone("Europe/Berlin");
  EXPECT_EQ(next_digest_time(sunday_0230, berlin, utc(2026, 10, 24)), utc(2026, 10, 25, 0, 30));
}

TEST(DigestSchedule, KolkataHalfHourOffset) {
  const auto* kolkata = date::locate_zone("Asia/Kolkata");
  // Monday 09:00 IST = Monday 03:30 UTC.
  EXPECT_EQ(next_digest_time(monday_9, kolkata, utc(2026, 11, 20)), utc(2026, 11, 23, 3, 30));
  // Monday 01:00 IST is still Sunday in UTC; the week label follows the
  // team's calendar, not UTC's.
  const DigestSchedule monday_1 = at(1, 1, 0);
  const auto t = next_digest_time(monday_1, kolkata, utc(2026, 11, 20));
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, utc(2026, 11, 22, 19, 30));
  EXPECT_EQ(to_string(digest_week_for(*t, kolkata)), "2026-W47");
  EXPECT_EQ(to_string(digest_week_for(*t, nullptr)), "2026-W46");
  EXPECT_EQ(due_digest(monday_1, kolkata, *t + 60, 6h), (IsoWeek{2026, 47}));
}

TEST(DigestSchedule, DueLabelsThePreviousIsoWeek) {
  const auto* berlin = date::locate_zone("Europe/Berlin");
  // Posted Monday 2026-11-23 (2026-W48): summarises 2026-W47.
  const auto week = due_digest(monday_9, berlin, utc(2026, 11, 23, 8), 6h);
  ASSERT_TRUE(week);
  EXPECT_EQ(to_string(*week), "2026-W47");
  // Across the year boundary: Monday 2027-01-04 is 2027-W01; 2026 has 53 weeks.
  EXPECT_EQ(due_digest(monday_9, berlin, utc(2027, 1, 4, 8, 5), 6h), (IsoWeek{2026, 53}));
  // A Sunday-evening schedule also reports the previous full week.
  const DigestSchedule sunday_18 = at(7, 18, 0);
  EXPECT_EQ(due_digest(sunday_18, berlin, utc(2026, 11, 29, 17), 1h), (IsoWeek{2026, 47}));
}

TEST(DigestSchedule, CatchUpAfterDowntimeInsideWindowIsDue) {
  const auto* ny = date::locate_zone("America/New_York");
  const std::int64_t scheduled = utc(2026, 11, 23, 14);
  EXPECT_EQ(due_digest(monday_9, ny, scheduled, 6h), (IsoWeek{2026, 47}));
  EXPECT_EQ(due_digest(monday_9, ny, scheduled + 5 * 3600, 6h), (IsoWeek{2026, 47}));
  EXPECT_EQ(due_digest(monday_9, ny, scheduled + 6 * 3600, 6h), (IsoWeek{2026, 47}));
}

TEST(DigestSchedule, CatchUpAfterDowntimeOutsideWindowIsSkipped) {
  const auto* ny = date::locate_zone("America/New_York");
  const std::int64_t scheduled = utc(2026, 11, 23, 14);
  EXPECT_EQ(due_digest(monday_9, ny, scheduled + 6 * 3600 + 1, 6h), std::nullopt);
  EXPECT_EQ(due_digest(monday_9, ny, scheduled + 3 * 86400, 6h), std::nullopt);
  // Not due before the time either (last week's is far outside the window).
  EXPECT_EQ(due_digest(monday_9, ny, scheduled - 1, 6h), std::nullopt);
  // A zero or negative window means "only at the exact second".
  EXPECT_EQ(due_digest(monday_9, ny, scheduled, 0s), (IsoWeek{2026, 47}));
  EXPECT_EQ(due_digest(monday_9, ny, scheduled + 1, -5s), std::nullopt);
}

TEST(DigestSchedule, RestartOnTheSameDayYieldsTheSameLabel) {
  // The daemon posts at 09:00, restarts at 09:20 and again at 14:00: every
  // check in the window names the same week, so the Store's (team, week,
  // destination) key turns the later checks into no-ops.
  const auto* berlin = date::locate_zone("Europe/Berlin");
  const std::int64_t scheduled = utc(2026, 11, 23, 8);
  const auto a = due_digest(monday_9, berlin, scheduled + 10, 12h);
  const auto b = due_digest(monday_9, berlin, scheduled + 20 * 60, 12h);
  const auto c = due_digest(monday_9, berlin, scheduled + 5 * 3600, 12h);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(to_string(*a), to_string(*b));
  EXPECT_EQ(to_string(*a), to_string(*c));
  // The next scheduler wake-up is the following Monday.
  EXPECT_EQ(next_digest_time(monday_9, berlin, scheduled + 1), utc(2026, 11, 30, 8));
}

TEST(DigestSchedule, DisabledOrInvalidIsNeverDue) {
  DigestSchedule off;
  off.enabled = false;
  EXPECT_EQ(next_digest_time(off, nullptr, utc(2026, 11, 20)), std::nullopt);
  EXPECT_EQ(due_digest(off, nullptr, utc(2026, 11, 23, 9), 6h), std::nullopt);
  for (const DigestSchedule& bad : {at(0, 9, 0), at(8, 9, 0), at(1, 24, 0), at(1, 9, 60)}) {
    EXPECT_FALSE(schedule_valid(bad));
    EXPECT_EQ(next_digest_time(bad, nullptr, utc(2026, 11, 20)), std::nullopt);
    EXPECT_EQ(last_digest_time(bad, nullptr, utc(2026, 11, 20)), std::nullopt);
  }
}

TEST(DigestSchedule, NextIsStrictlyIncreasingOverAYearInEveryZone) {
  // Walk a year of weekly occurrences per zone: each is 7 days +/- 1 h after
  // the previous, and always shows 09:00 on a Monday locally.
  for (const char* name :
       {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"}) {
    const auto* zone = date::locate_zone(name);
    std::int64_t t = *next_digest_time(monday_9, zone, utc(2026, 1, 1));
    for (int i = 0; i < 60; ++i) {
      const date::local_seconds local = local_of_utc(t, zone);
      const auto day = date::floor<date::days>(local);
      EXPECT_EQ(date::weekday{day}, date::Monday) << name;
      EXPECT_EQ(local - day, 9h) << name;
      const std::int64_t next = *next_digest_time(monday_9, zone, t + 1);
      EXPECT_GE(next - t, 7 * 86400 - 3600) << name;
      EXPECT_LE(next - t, 7 * 86400 + 3600) << name;
      t = next;
    }
  }
}

}  // namespace
}  // namespace rolecall
