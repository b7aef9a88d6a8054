#pragma once
// What the weekly digest reads for one team and one week
// (daemon/digest_service.cpp), through any Store: the week's routings, its
// status changes (reassignments), the routings still open, the week's
// decisions, and the previous week's counts. Shared by the SQLite and the
// PostgreSQL storage benches so both measure the same queries.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/digest.hpp"
#include "storage/store.hpp"

namespace rolecall::bench {

inline constexpr std::int64_t kWeek = 7 * 86400;

inline std::size_t weekly_summary(Store& s, const std::string& team, std::int64_t week_start) {
  ListFilter week;
  week.team_id = team;
  week.since = week_start;
  week.until = week_start + kWeek;
  std::size_t n = s.list_routings(week).size();
  n += s.status_changes(team, week.since, week.until).size();
  ListFilter open;
  open.team_id = team;
  open.until = week.until - 2 * 86400;
  open.status = RoutingStatus::open;
  n += s.list_routings(open).size();
  n += s.list_decisions(week).size();
  ListFilter previous = week;
  previous.since -= kWeek;
  previous.until -= kWeek;
  n += work_share(s.list_routings(previous)).strategy;
  return n;
}

}  // namespace rolecall::bench
