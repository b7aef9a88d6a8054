#include "core/iso_week.hpp"

#include <date/iso_week.h>
#include <date/tz.h>

namespace rolecall {

namespace {

using std::chrono::seconds;

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

unsigned iso_weeks_in_year(int year) noexcept {
  return static_cast<unsigned>((iso_week::year{year} / iso_week::last).weeknum());
}

std::optional<IsoWeek> parse_iso_week(std::string_view text) noexcept {
  if (text.size() != 8 || text[4] != '-' || (text[5] != 'W' && text[5] != 'w')) {
    return std::nullopt;
  }
  for (std::size_t i : {0u, 1u, 2u, 3u, 6u, 7u}) {
    if (!digit(text[i])) return std::nullopt;
  }
  int year =
      (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  unsigned week = static_cast<unsigned>((text[6] - '0') * 10 + (text[7] - '0'));
  if (week < 1 || week > iso_weeks_in_year(year)) return std::nullopt;
  return IsoWeek{year, week};
}

std::string to_string(const IsoWeek& week) {
  std::string year = std::to_string(week.year);
  if (year.size() < 4) year.insert(0, 4 - year.size(), '0');
  std::string out = year + "-W";
  if (week.week < 10) out += '0';
  out += std::to_string(week.week);
  return out;
}

IsoWeek iso_week_of(date::local_days day) noexcept {
  iso_week::year_weeknum_weekday ywd{day};
  return IsoWeek{static_cast<int>(ywd.year()), static_cast<unsigned>(ywd.weeknum())};
}

date::local_days monday_of(const IsoWeek& week) noexcept {
  iso_week::year_weeknum_weekday ywd{iso_week::year{week.year}, iso_week::weeknum{week.week},
                                     iso_week::weekday{1u}};
  return date::local_days{ywd};
}

IsoWeek previous_week(const IsoWeek& week) noexcept {
  return iso_week_of(monday_of(week) - date::days{7});
}

IsoWeek next_week(const IsoWeek& week) noexcept {
  return iso_week_of(monday_of(week) + date::days{7});
}

std::int64_t utc_of_local(date::local_seconds local, const date::time_zone* zone) {
  if (zone == nullptr) return local.time_since_epoch().count();
  const date::local_info info = zone->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:
      // For ambiguous times `first` is the offset in force before the change:
      // the earlier of the two instants.
      return (local - info.first.offset).time_since_epoch().count();
    case date::local_info::nonexistent:
      // info.second begins at the jump; that instant shows the first valid
      // local time after the gap.
      return info.second.begin.time_since_epoch().count();
  }
  return (local - info.first.offset).time_since_epoch().count();
}

date::local_seconds local_of_utc(std::int64_t utc, const date::time_zone* zone) {
  const date::sys_seconds t{seconds{utc}};
  if (zone == nullptr) return date::local_seconds{t.time_since_epoch()};
  return zone->to_local(t);
}

IsoWeek iso_week_at(std::int64_t utc, const date::time_zone* zone) {
  return iso_week_of(date::floor<date::days>(local_of_utc(utc, zone)));
}

UtcRange iso_week_range(const IsoWeek& week, const date::time_zone* zone) {
  const date::local_days monday = monday_of(week);
  return UtcRange{utc_of_local(date::local_seconds{monday}, zone),
                  utc_of_local(date::local_seconds{monday + date::days{7}}, zone)};
}

}  // namespace rolecall
