#include <cmath>

#include "forecast/backtest.h"
#include "forecast/model_registry.h"
#include "forecast/naive.h"
#include "forecast/transform.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

TEST(TransformTest, BoxCoxRoundTrips) {
  for (double lambda : {-1.0, -0.3, 0.0, 0.5, 1.0, 2.0}) {
    for (double x : {0.01, 1.0, 7.5, 1234.5}) {
      EXPECT_NEAR(InverseBoxCox(BoxCox(x, lambda), lambda), x, 1e-9 * x)
          << "lambda " << lambda;
    }
  }
}

TEST(TransformTest, LogOfExponentialGrowthForecastsTheGrowth) {
  std::vector<double> y;
  for (int t = 0; t < 40; ++t) y.push_back(100 * std::pow(1.05, t));
  TransformedModel model(std::make_unique<NaiveModel>(NaiveKind::kDrift), 0.0);
  ASSERT_OK_AND_ASSIGN(auto f, model.Fit({y, {}}));
  const double levels[] = {95};
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(3, levels));
  for (int h = 0; h < 3; ++h) {
    EXPECT_NEAR(p.mean[h], 100 * std::pow(1.05, 40 + h), 1e-6 * p.mean[h]);
    EXPECT_LE(p.intervals[0].lower[h], p.mean[h]);
    EXPECT_GT(p.intervals[0].lower[h], 0);  // back-transformed: positive
  }
  EXPECT_NE(f->Description().find("Box-Cox(lambda=0)"), std::string::npos);
}

TEST(TransformTest, NonPositiveValuesAreRefused) {
  TransformedModel model(std::make_unique<NaiveModel>(NaiveKind::kNaive),
                         std::nullopt);
  EXPECT_STATUS(model.Fit({std::vector<double>{3, 2, 0, 4}, {}}),
                absl::StatusCode::kFailedPrecondition,
                "need positive values; values[2] is 0");
}

TEST(BacktestTest, NaiveOnALineHasAKnownError) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) y.push_back(10 + 2 * t);
  ASSERT_OK_AND_ASSIGN(auto naive, MakeModel("naive"));
  ASSERT_OK_AND_ASSIGN(BacktestResult r,
                       Backtest(*naive, {y, {}}, {.horizon = 3, .windows = 4}));
  EXPECT_EQ(r.windows, 4);
  ASSERT_EQ(r.by_horizon.size(), 3u);
  // Naive misses a slope-2 line by 2h at step h; the naive scale is 2.
  for (int h = 0; h < 3; ++h) {
    EXPECT_DOUBLE_EQ(r.by_horizon[h].mae, 2.0 * (h + 1));
    EXPECT_DOUBLE_EQ(r.by_horizon[h].mase, h + 1.0);
  }
  EXPECT_DOUBLE_EQ(r.overall.mae, 4.0);
  ASSERT_OK_AND_ASSIGN(auto drift, MakeModel("drift"));
  ASSERT_OK_AND_ASSIGN(BacktestResult d,
                       Backtest(*drift, {y, {}}, {.horizon = 3, .windows = 4}));
  EXPECT_NEAR(d.overall.mae, 0, 1e-9);
}

// A caller that goes away stops the backtest between origins.
TEST(BacktestTest, StopsWhenAsked) {
  std::vector<double> y;
  for (int t = 0; t < 60; ++t) y.push_back(t % 7);
  ASSERT_OK_AND_ASSIGN(auto naive, MakeModel("naive"));
  int asked = 0;
  BacktestOptions options{.horizon = 2, .windows = 10};
  options.stop = [&asked] { return ++asked > 3; };
  EXPECT_STATUS(Backtest(*naive, {y, {}}, options),
                absl::StatusCode::kCancelled,
                "backtest stopped after 3 of 10 origins");
}

TEST(BacktestTest, TooShortOrBadOptionsAreErrors) {
  ASSERT_OK_AND_ASSIGN(auto naive, MakeModel("naive"));
  const std::vector<double> y(20, 1.0);
  EXPECT_STATUS(Backtest(*naive, {y, {}}, {.horizon = 5, .windows = 5}),
                absl::StatusCode::kFailedPrecondition,
                "need at least 29 points; series has 20");
  EXPECT_STATUS(Backtest(*naive, {y, {}}, {.horizon = 0}),
                absl::StatusCode::kInvalidArgument, "horizon: 0");
  EXPECT_STATUS(Backtest(*naive, {y, {}}, {.horizon = 1, .windows = 0}),
                absl::StatusCode::kInvalidArgument, "windows: 0");
}

}  // namespace
}  // namespace tsforecast::forecast
