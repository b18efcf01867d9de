#include "forecast/accuracy.h"

#include <cmath>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

TEST(AccuracyTest, PointMetricsByHand) {
  const std::vector<double> y = {100, 110, 120};
  const std::vector<double> f = {90, 110, 130};
  EXPECT_DOUBLE_EQ(Mae(y, f), 20.0 / 3);
  EXPECT_DOUBLE_EQ(Rmse(y, f), std::sqrt(200.0 / 3));
  // 200|y-f|/(|y|+|f|): 2000/190, 0, 2000/250
  EXPECT_NEAR(Smape(y, f), (2000.0 / 190 + 2000.0 / 250) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(Smape({0, 0}, {0, 0}), 0);
}

TEST(AccuracyTest, MaseScaleIsInSampleSeasonalNaiveError) {
  const std::vector<double> train = {1, 2, 3, 5, 6, 7};
  ASSERT_OK_AND_ASSIGN(double scale1, MaseScale(train, 1));
  EXPECT_DOUBLE_EQ(scale1, (1 + 1 + 2 + 1 + 1) / 5.0);
  ASSERT_OK_AND_ASSIGN(double scale3, MaseScale(train, 3));
  EXPECT_DOUBLE_EQ(scale3, (4 + 4 + 4) / 3.0);
  EXPECT_DOUBLE_EQ(Mase({10}, {8}, 2.0), 1.0);
  EXPECT_STATUS(MaseScale({5, 5, 5}, 1), absl::StatusCode::kFailedPrecondition,
                "scale is zero");
  EXPECT_STATUS(MaseScale({1, 2}, 2), absl::StatusCode::kFailedPrecondition,
                "needs more than 2");
}

TEST(AccuracyTest, OwaOfTheReferenceIsOne) {
  EXPECT_DOUBLE_EQ(Owa(12, 3, 12, 3), 1.0);
  EXPECT_DOUBLE_EQ(Owa(6, 3, 12, 3), 0.75);
}

TEST(AccuracyTest, IntervalScores) {
  const std::vector<double> y = {1, 5, 10};
  const std::vector<double> lo = {0, 0, 0};
  const std::vector<double> hi = {2, 2, 12};
  EXPECT_DOUBLE_EQ(Coverage(y, lo, hi), 2.0 / 3);
  // widths 2+2+12, one miss of 3 above at alpha 0.05: + 2/0.05*3 = 120.
  EXPECT_NEAR(Msis(y, lo, hi, 95, 1.0), (16 + 120) / 3.0, 1e-9);
  EXPECT_DOUBLE_EQ(Pinball({10}, {8}, 0.9), 0.9 * 2);
  EXPECT_DOUBLE_EQ(Pinball({10}, {12}, 0.9), 0.1 * 2);
}

}  // namespace
}  // namespace tsforecast::forecast
