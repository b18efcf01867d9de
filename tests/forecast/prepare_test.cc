#include "forecast/prepare.h"

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

int64_t Ms(int y, int m, int d) {
  return absl::ToUnixMillis(
      absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()));
}

TEST(PrepareTest, AggregatesFlowsBySumAndLevelsByLastOrMean) {
  const std::vector<RawPoint> daily = {{Ms(2024, 1, 3), 10},
                                       {Ms(2024, 1, 20), 5},
                                       {Ms(2024, 2, 1), 7},
                                       {Ms(2024, 3, 31), 1}};
  GridOptions options{CalendarStep(StepUnit::kMonth, 1), GridAggregation::kSum};
  ASSERT_OK_AND_ASSIGN(Grid sum, PrepareGrid(daily, options));
  EXPECT_EQ(sum.start_ms, Ms(2024, 1, 1));
  EXPECT_EQ(sum.values, (std::vector<double>{15, 7, 1}));
  options.aggregation = GridAggregation::kMean;
  ASSERT_OK_AND_ASSIGN(Grid mean, PrepareGrid(daily, options));
  EXPECT_EQ(mean.values[0], 7.5);
  options.aggregation = GridAggregation::kLast;
  ASSERT_OK_AND_ASSIGN(Grid last, PrepareGrid(daily, options));
  EXPECT_EQ(last.values[0], 5);
  EXPECT_EQ(FutureTimestamps(last, 2),
            (std::vector<int64_t>{Ms(2024, 4, 1), Ms(2024, 5, 1)}));
}

TEST(PrepareTest, FillsGapsByInterpolationAndSaysSo) {
  std::vector<RawPoint> points;
  for (int d = 1; d <= 10; ++d) {
    if (d == 4 || d == 5) continue;
    points.push_back({Ms(2024, 1, d), 10.0 * d});
  }
  ASSERT_OK_AND_ASSIGN(Grid g,
                       PrepareGrid(points, {CalendarStep(StepUnit::kDay, 1)}));
  ASSERT_EQ(g.values.size(), 10u);
  EXPECT_DOUBLE_EQ(g.values[3], 40);
  EXPECT_DOUBLE_EQ(g.values[4], 50);
  EXPECT_EQ(g.filled, 2u);
  ASSERT_EQ(g.warnings.size(), 1u);
  EXPECT_EQ(g.warnings[0], "filled 2 missing steps by linear interpolation");
}

TEST(PrepareTest, TooManyGapsOrNothingIsAnError) {
  const std::vector<RawPoint> sparse = {{Ms(2024, 1, 1), 1},
                                        {Ms(2024, 1, 10), 2}};
  EXPECT_STATUS(PrepareGrid(sparse, {CalendarStep(StepUnit::kDay, 1)}),
                absl::StatusCode::kFailedPrecondition,
                "8 of 10 steps of 1d are missing (80%)");
  EXPECT_STATUS(PrepareGrid({}, {CalendarStep(StepUnit::kDay, 1)}),
                absl::StatusCode::kFailedPrecondition, "no points");
  const std::vector<RawPoint> year = {{Ms(2024, 1, 1), 1}, {Ms(2025, 1, 1), 2}};
  EXPECT_STATUS(PrepareGrid(year, {CalendarStep(StepUnit::kSecond, 1)}),
                absl::StatusCode::kFailedPrecondition, "use a longer step");
  EXPECT_STATUS(PrepareGrid({{0, NAN}}, {CalendarStep(StepUnit::kDay, 1)}),
                absl::StatusCode::kInvalidArgument, "points[0]");
}

}  // namespace
}  // namespace tsforecast::forecast
