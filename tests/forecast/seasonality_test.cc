#include "forecast/seasonality.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

TEST(SeasonalityTest, DefaultSeasonLengthsFollowTheStep) {
  using V = std::vector<double>;
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kHour, 1)),
            (V{24, 168}));
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kHour, 2)),
            (V{12, 84}));
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kDay, 1)),
            (V{7, 365.25}));
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kWeek, 1)), (V{52.18}));
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kMonth, 1)), (V{12}));
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kQuarter, 1)), (V{4}));
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kYear, 1)), V{});
  EXPECT_EQ(DefaultSeasonLengths(CalendarStep(StepUnit::kMinute, 1)),
            (V{60, 1440}));
}

TEST(SeasonalityTest, DetectsSeasonalityAndItsAbsence) {
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> seasonal, white;
  for (int t = 0; t < 120; ++t) {
    seasonal.push_back(100 + 10 * std::sin(2 * M_PI * t / 12) + noise(rng));
    white.push_back(100 + noise(rng));
  }
  EXPECT_TRUE(IsSeasonal(seasonal, 12));
  EXPECT_FALSE(IsSeasonal(white, 12));
  EXPECT_FALSE(IsSeasonal(
      std::vector<double>(seasonal.begin(), seasonal.begin() + 30), 12));
}

TEST(SeasonalityTest, MultiplicativeIndicesRecoverThePattern) {
  const std::vector<double> pattern = {0.8, 1.0, 1.2, 1.0};
  std::vector<double> y;
  for (int t = 0; t < 40; ++t) y.push_back((50 + t) * pattern[t % 4]);
  ASSERT_OK_AND_ASSIGN(auto idx, MultiplicativeSeasonalIndices(y, 4));
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(idx[i], pattern[i], 0.01) << i;
  EXPECT_STATUS(MultiplicativeSeasonalIndices({1, 2, 3}, 4),
                absl::StatusCode::kFailedPrecondition, "needs at least 8");
  std::vector<double> with_zero = y;
  with_zero[3] = 0;
  EXPECT_STATUS(MultiplicativeSeasonalIndices(with_zero, 4),
                absl::StatusCode::kFailedPrecondition, "strictly positive");
}

}  // namespace
}  // namespace tsforecast::forecast
