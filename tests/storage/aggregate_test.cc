#include "storage/aggregate.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace tsforecast::storage {
namespace {

int64_t Day(int y, int m, int d) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()));
}

TEST(AggregateTest, MonthlyWindowsStartOnTheFirst) {
  std::vector<Point> daily;
  for (int d = 1; d <= 31; ++d) daily.push_back({Day(2024, 1, d), 1.0 * d});
  for (int d = 1; d <= 29; ++d) daily.push_back({Day(2024, 2, d), 100.0});
  const CalendarStep month(StepUnit::kMonth, 1);
  auto sum = Aggregate(daily, month, Aggregator::kSum);
  ASSERT_EQ(sum.size(), 2u);
  EXPECT_EQ(sum[0].timestamp_ms, Day(2024, 1, 1));
  EXPECT_DOUBLE_EQ(sum[0].value, 31 * 32 / 2);
  EXPECT_EQ(sum[1].timestamp_ms, Day(2024, 2, 1));
  EXPECT_DOUBLE_EQ(sum[1].value, 2900);
  auto avg = Aggregate(daily, month, Aggregator::kAvg);
  EXPECT_DOUBLE_EQ(avg[0].value, 16);
  EXPECT_DOUBLE_EQ(Aggregate(daily, month, Aggregator::kMin)[0].value, 1);
  EXPECT_DOUBLE_EQ(Aggregate(daily, month, Aggregator::kMax)[0].value, 31);
  EXPECT_DOUBLE_EQ(Aggregate(daily, month, Aggregator::kCount)[1].value, 29);
  EXPECT_DOUBLE_EQ(Aggregate(daily, month, Aggregator::kFirst)[0].value, 1);
  EXPECT_DOUBLE_EQ(Aggregate(daily, month, Aggregator::kLast)[0].value, 31);
}

TEST(AggregateTest, EmptyWindowsAreSkipped) {
  const CalendarStep day(StepUnit::kDay, 1);
  auto out = Aggregate({{Day(2024, 1, 1), 1}, {Day(2024, 1, 5), 2}}, day,
                       Aggregator::kLast);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].timestamp_ms, Day(2024, 1, 5));
}

}  // namespace
}  // namespace tsforecast::storage
