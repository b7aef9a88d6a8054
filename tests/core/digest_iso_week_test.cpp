#include <date/tz.h>
#include <gtest/gtest.h>

#include "core/iso_week.hpp"

namespace rolecall {
namespace {

std::int64_t utc(int y, unsigned m, unsigned d, unsigned h = 0, unsigned min = 0) {
  const date::sys_seconds t =
      date::sys_days{date::year{y} / m / d} + std::chrono::hours{h} + std::chrono::minutes{min};
  return t.time_since_epoch().count();
}

TEST(IsoWeek, ParsesAndFormats) {
  const auto w = parse_iso_week("2026-W05");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->year, 2026);
  EXPECT_EQ(w->week, 5u);
  EXPECT_EQ(to_string(*w), "2026-W05");
  EXPECT_EQ(parse_iso_week("2026-w47"), (IsoWeek{2026, 47}));
  EXPECT_EQ(to_string(IsoWeek{2026, 53}), "2026-W53");
}

TEST(IsoWeek, RejectsMalformedOrNonexistentWeeks) {
  for (const char* bad :
       {"", "2026W05", "2026-W5", "26-W05", "2026-W00", "2026-W54", "2025-W53", "2026-05",
        "2026-X05", "2026-W05 ", " 2026-W05", "2026-Wa5", "abcd-W01"}) {
    EXPECT_EQ(parse_iso_week(bad), std::nullopt) << bad;
  }
  EXPECT_TRUE(parse_iso_week("2026-W53"));  // 2026 starts on a Thursday
  EXPECT_TRUE(parse_iso_week("2020-W53"));
  EXPECT_EQ(iso_weeks_in_year(2025), 52u);
  EXPECT_EQ(iso_weeks_in_year(2026), 53u);
}

TEST(IsoWeek, CalendarEdges) {
  using date::local_days;
  // 2027-01-01 is a Friday: it belongs to 2026-W53.
  EXPECT_EQ(iso_week_of(local_days{date::year{2027} / 1 / 1}), (IsoWeek{2026, 53}));
  EXPECT_EQ(iso_week_of(local_days{date::year{2027} / 1 / 4}), (IsoWeek{2027, 1}));
  // 2024-12-30 (Monday) is 2025-W01.
  EXPECT_EQ(iso_week_of(local_days{date::year{2024} / 12 / 30}), (IsoWeek{2025, 1}));
  EXPECT_EQ(previous_week(IsoWeek{2027, 1}), (IsoWeek{2026, 53}));
  EXPECT_EQ(next_week(IsoWeek{2026, 53}), (IsoWeek{2027, 1}));
  EXPECT_EQ(previous_week(IsoWeek{2026, 48}), (IsoWeek{2026, 47}));
  EXPECT_EQ(monday_of(IsoWeek{2026, 48}), local_days{date::year{2026} / 11 / 23});
}

TEST(IsoWeek, UtcRangeInZone) {
  const auto* berlin = date::locate_zone("Europe/Berlin");
  const UtcRange r = iso_week_range(IsoWeek{2026, 47}, berlin);
  EXPECT_EQ(r.start, utc(2026, 11, 15, 23));  // Monday 16th 00:00 CET
  EXPECT_EQ(r.end, utc(2026, 11, 22, 23));
  EXPECT_TRUE(r.contains(r.start));
  EXPECT_FALSE(r.contains(r.end));
  // UTC (nullptr) weeks start at midnight UTC.
  EXPECT_EQ(iso_week_range(IsoWeek{2026, 47}, nullptr).start, utc(2026, 11, 16));
  const auto* kolkata = date::locate_zone("Asia/Kolkata");
  EXPECT_EQ(iso_week_range(IsoWeek{2026, 47}, kolkata).start, utc(2026, 11, 15, 18, 30));
}

TEST(IsoWeek, WeeksSpanningDstChangesAreShorterOrLonger) {
  const auto* berlin = date::locate_zone("Europe/Berlin");
  const UtcRange spring = iso_week_range(IsoWeek{2026, 13}, berlin);  // Mar 23-29
  EXPECT_EQ(spring.end - spring.start, 167 * 3600);
  const UtcRange autumn = iso_week_range(IsoWeek{2026, 43}, berlin);  // Oct 19-25
  EXPECT_EQ(autumn.end - autumn.start, 169 * 3600);
  const auto* ny = date::locate_zone("America/New_York");
  const UtcRange ny_autumn = iso_week_range(IsoWeek{2026, 44}, ny);  // Oct 26-Nov 1
  EXPECT_EQ(ny_autumn.end - ny_autumn.start, 169 * 3600);
  // Consecutive weeks tile time with no gap or overlap.
  EXPECT_EQ(iso_week_range(IsoWeek{2026, 12}, berlin).end, spring.start);
  EXPECT_EQ(spring.end, iso_week_range(IsoWeek{2026, 14}, berlin).start);
}

TEST(IsoWeek, WeekAtUsesTheLocalCalendar) {
  const auto* kolkata = date::locate_zone("Asia/Kolkata");
  // Sunday 22:30 UTC is already Monday 04:00 in Kolkata.
  EXPECT_EQ(iso_week_at(utc(2026, 11, 22, 22, 30), kolkata), (IsoWeek{2026, 48}));
  EXPECT_EQ(iso_week_at(utc(2026, 11, 22, 22, 30), nullptr), (IsoWeek{2026, 47}));
}

TEST(IsoWeek, LocalTimeResolution) {
  const auto* ny = date::locate_zone("America/New_York");
  using namespace std::chrono_literals;
  const date::local_seconds gap = date::local_days{date::year{2026} / 3 / 8} + 2h + 30min;
  EXPECT_EQ(utc_of_local(gap, ny), utc(2026, 3, 8, 7));
  const date::local_seconds twice = date::local_days{date::year{2026} / 11 / 1} + 1h + 30min;
  EXPECT_EQ(utc_of_local(twice, ny), utc(2026, 11, 1, 5, 30));
  EXPECT_EQ(local_of_utc(utc(2026, 11, 1, 6, 30), ny), twice);  // the second 01:30
}

}  // namespace
}  // namespace rolecall
