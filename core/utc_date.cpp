#include "core/utc_date.hpp"

#include <chrono>
#include <cstdio>

namespace rolecall {

std::string utc_date(std::int64_t epoch_seconds) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_seconds{seconds{epoch_seconds}})};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace rolecall
