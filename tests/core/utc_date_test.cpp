#include "core/utc_date.hpp"

#include <gtest/gtest.h>

namespace {

TEST(UtcDate, IsTheCalendarDateInUtc) {
  EXPECT_EQ(rolecall::utc_date(0), "1970-01-01");
  EXPECT_EQ(rolecall::utc_date(1700000000), "2023-11-14");  // 22:13:20 UTC
  EXPECT_EQ(rolecall::utc_date(1709164800), "2024-02-29");  // a leap day, at midnight
  EXPECT_EQ(rolecall::utc_date(1709251199), "2024-02-29");  // its last second
  EXPECT_EQ(rolecall::utc_date(-1), "1969-12-31");          // floor, not truncation
}

}  // namespace
