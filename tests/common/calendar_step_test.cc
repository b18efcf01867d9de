#include "common/calendar_step.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast {
namespace {

int64_t Ms(int y, int m, int d, int hh = 0, int mm = 0) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilMinute(y, m, d, hh, mm), absl::UTCTimeZone()));
}

TEST(CalendarStepTest, ParsesAndPrintsCanonically) {
  ASSERT_OK_AND_ASSIGN(CalendarStep s, CalendarStep::Parse("3mo"));
  EXPECT_EQ(s.unit(), StepUnit::kMonth);
  EXPECT_EQ(s.count(), 3);
  EXPECT_EQ(s.ToString(), "3mo");
  ASSERT_OK_AND_ASSIGN(CalendarStep d, CalendarStep::Parse("1 day"));
  EXPECT_EQ(d.ToString(), "1d");
  for (const char* text :
       {"30s", "5m", "1h", "1d", "1bd", "2w", "1mo", "1q", "1y"}) {
    ASSERT_OK_AND_ASSIGN(CalendarStep p, CalendarStep::Parse(text));
    EXPECT_EQ(p.ToString(), text);
  }
}

TEST(CalendarStepTest, RejectsZeroAndUnknownUnits) {
  EXPECT_STATUS(CalendarStep::Parse("0d"), absl::StatusCode::kInvalidArgument,
                "count must be in [1");
  EXPECT_STATUS(CalendarStep::Parse("1fortnight"),
                absl::StatusCode::kInvalidArgument, "unknown unit");
  EXPECT_STATUS(CalendarStep::Parse("d"), absl::StatusCode::kInvalidArgument,
                "expected a count");
  EXPECT_FALSE(CalendarStep(StepUnit::kDay, 0).Validate().ok());
}

TEST(CalendarStepTest, MonthsFollowTheCalendar) {
  const CalendarStep month(StepUnit::kMonth, 1);
  EXPECT_EQ(month.AlignDown(Ms(2024, 2, 29, 13, 5)), Ms(2024, 2, 1));
  EXPECT_EQ(month.Add(Ms(2024, 1, 1), 1), Ms(2024, 2, 1));
  EXPECT_EQ(month.Add(Ms(2024, 1, 1), 13), Ms(2025, 2, 1));
  EXPECT_EQ(month.Add(Ms(2024, 3, 1), -3), Ms(2023, 12, 1));
  const CalendarStep quarter(StepUnit::kQuarter, 1);
  EXPECT_EQ(quarter.AlignDown(Ms(2024, 5, 17)), Ms(2024, 4, 1));
  EXPECT_EQ(quarter.Add(Ms(2024, 10, 1), 1), Ms(2025, 1, 1));
  const CalendarStep year(StepUnit::kYear, 1);
  EXPECT_EQ(year.AlignDown(Ms(1969, 7, 4)), Ms(1969, 1, 1));
}

// Trading days: 2024-03-08 is a Friday, 03-09/10 the weekend, 03-11 a
// Monday.
TEST(CalendarStepTest, BusinessDaysSkipWeekends) {
  ASSERT_OK_AND_ASSIGN(CalendarStep bd, CalendarStep::Parse("1 business_day"));
  EXPECT_EQ(bd.ToString(), "1bd");
  EXPECT_TRUE(bd.IsBusinessDays());
  EXPECT_FALSE(bd.IsFixed());
  EXPECT_EQ(bd.AlignDown(Ms(2024, 3, 8, 17)), Ms(2024, 3, 8));
  // The weekend belongs to the Friday before.
  EXPECT_EQ(bd.AlignDown(Ms(2024, 3, 9, 12)), Ms(2024, 3, 8));
  EXPECT_EQ(bd.AlignDown(Ms(2024, 3, 10, 23, 59)), Ms(2024, 3, 8));
  EXPECT_EQ(bd.Add(Ms(2024, 3, 8), 1), Ms(2024, 3, 11));
  EXPECT_EQ(bd.Add(Ms(2024, 3, 9), 1), Ms(2024, 3, 11));
  EXPECT_EQ(bd.Add(Ms(2024, 3, 11), -1), Ms(2024, 3, 8));
  EXPECT_EQ(bd.Add(Ms(2024, 3, 4), 10), Ms(2024, 3, 18));
  EXPECT_EQ(bd.StepsBetween(Ms(2024, 3, 8), Ms(2024, 3, 11)), 1);
  EXPECT_EQ(bd.StepsBetween(Ms(2024, 3, 1), Ms(2024, 3, 29)), 20);
  EXPECT_EQ(bd.StepsBetween(Ms(2024, 3, 11), Ms(2024, 3, 8)), -1);
  EXPECT_TRUE(bd.IsOnCalendar(Ms(2024, 3, 8, 12)));
  EXPECT_FALSE(bd.IsOnCalendar(Ms(2024, 3, 9)));
  EXPECT_FALSE(bd.IsOnCalendar(Ms(2024, 3, 10, 23)));
  EXPECT_TRUE(CalendarStep(StepUnit::kDay, 1).IsOnCalendar(Ms(2024, 3, 9)));
  // Before the epoch too: 1969-12-26 was a Friday, 1969-12-29 a Monday.
  EXPECT_EQ(bd.AlignDown(Ms(1969, 12, 28)), Ms(1969, 12, 26));
  EXPECT_EQ(bd.Add(Ms(1969, 12, 26), 1), Ms(1969, 12, 29));
  EXPECT_EQ(bd.Add(Ms(1970, 1, 2), 1), Ms(1970, 1, 5));
  // Every second trading day, counted from Monday 1969-12-29.
  const CalendarStep two(StepUnit::kBusinessDay, 2);
  EXPECT_EQ(two.AlignDown(Ms(1970, 1, 1)), Ms(1969, 12, 31));
  EXPECT_EQ(two.Add(Ms(1969, 12, 31), 1), Ms(1970, 1, 2));
  EXPECT_EQ(two.Add(Ms(1970, 1, 2), 1), Ms(1970, 1, 6));
  // A round trip over many years lands on weekdays only.
  int64_t t = Ms(2000, 1, 3);
  for (int i = 0; i < 3000; ++i) {
    const int64_t next = bd.Add(t, 1);
    ASSERT_TRUE(bd.IsOnCalendar(next));
    ASSERT_EQ(bd.StepsBetween(t, next), 1);
    t = next;
  }
}

TEST(CalendarStepTest, FixedStepsAlignToEpochAndWeeksToMonday) {
  const CalendarStep day(StepUnit::kDay, 1);
  EXPECT_EQ(day.AlignDown(Ms(2024, 3, 5, 23, 59)), Ms(2024, 3, 5));
  EXPECT_EQ(day.AlignDown(Ms(1960, 1, 1, 12)), Ms(1960, 1, 1));
  const CalendarStep week(StepUnit::kWeek, 1);
  // 2024-03-06 is a Wednesday; its week starts Monday 2024-03-04.
  EXPECT_EQ(week.AlignDown(Ms(2024, 3, 6, 10)), Ms(2024, 3, 4));
  EXPECT_EQ(
      CalendarStep(StepUnit::kMinute, 15).AlignDown(Ms(2024, 1, 1, 10, 44)),
      Ms(2024, 1, 1, 10, 30));
}

TEST(CalendarStepTest, StepsBetweenInvertsAdd) {
  const CalendarStep month(StepUnit::kMonth, 1);
  EXPECT_EQ(month.StepsBetween(Ms(2023, 11, 15), Ms(2024, 2, 3)), 3);
  EXPECT_EQ(month.StepsBetween(Ms(2024, 2, 3), Ms(2023, 11, 15)), -3);
  const CalendarStep quarter(StepUnit::kQuarter, 1);
  EXPECT_EQ(quarter.StepsBetween(Ms(2023, 12, 31), Ms(2024, 1, 1)), 1);
  const CalendarStep day(StepUnit::kDay, 1);
  for (int n : {-400, -1, 0, 1, 59, 366}) {
    EXPECT_EQ(day.StepsBetween(Ms(2024, 1, 1), day.Add(Ms(2024, 1, 1), n)), n);
    EXPECT_EQ(month.StepsBetween(Ms(2024, 1, 1), month.Add(Ms(2024, 1, 1), n)),
              n);
  }
}

TEST(CalendarStepTest, TimestampBounds) {
  EXPECT_TRUE(IsValidTimestampMs(0));
  EXPECT_TRUE(IsValidTimestampMs(kMaxTimestampMs));
  EXPECT_FALSE(IsValidTimestampMs(kMaxTimestampMs + 1));
  EXPECT_FALSE(IsValidTimestampMs(kMinTimestampMs - 1));
}

}  // namespace
}  // namespace tsforecast
