#include "forecast/vintage_errors.h"

#include <cmath>

#include "gtest/gtest.h"

namespace tsforecast::forecast {
namespace {

// History 10, 12, 11 (mean one-step change 1.5); a forecast of 3 steps,
// two of which have happened: 14 (inside the band) and 20 (outside).
TEST(VintageErrorsTest, ErrorsOnTheStepsDueSoFar) {
  const std::vector<int64_t> actual_ts = {1, 2, 3, 4, 5};
  const std::vector<double> actual = {10, 12, 11, 14, 20};
  const std::vector<int64_t> steps = {4, 5, 6};
  const std::vector<double> mean = {13, 15, 16};
  const std::vector<ForecastBand> bands = {{95, {10, 12, 12}, {16, 18, 20}}};
  const VintageErrors e =
      CompareWithActuals(steps, mean, bands, actual_ts, actual);
  EXPECT_EQ(e.due, 2);
  EXPECT_EQ(e.pending, 1);
  EXPECT_DOUBLE_EQ(e.mae, (1 + 5) / 2.0);
  EXPECT_DOUBLE_EQ(e.mase, 3 / 1.5);
  ASSERT_EQ(e.coverage.size(), 1u);
  EXPECT_DOUBLE_EQ(e.coverage[0], 0.5);
}

TEST(VintageErrorsTest, NothingDueYetIsNotANumber) {
  const std::vector<int64_t> actual_ts = {1, 2};
  const std::vector<double> actual = {1, 2};
  const std::vector<ForecastBand> bands = {{80, {0}, {5}}};
  const VintageErrors e =
      CompareWithActuals(std::vector<int64_t>{3}, std::vector<double>{3}, bands,
                         actual_ts, actual);
  EXPECT_EQ(e.due, 0);
  EXPECT_EQ(e.pending, 1);
  EXPECT_TRUE(std::isnan(e.mae));
  EXPECT_TRUE(std::isnan(e.coverage[0]));
}

}  // namespace
}  // namespace tsforecast::forecast
