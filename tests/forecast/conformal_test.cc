// Conformal intervals: the quantile rule by hand, and coverage near the
// nominal level on simulated series where the model's own intervals are
// wrong in size.
#include "forecast/conformal.h"

#include <cmath>
#include <random>

#include "forecast/model_registry.h"
#include "forecast/naive.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

TEST(IntervalCalibrationTest, TheConformalRankAndTheSmallSampleRule) {
  std::vector<double> scores;
  for (int i = 19; i >= 1; --i) scores.push_back(i);
  const IntervalCalibration c(scores);
  // ceil(20 * 0.95) = 19th and ceil(20 * 0.8) = 16th smallest.
  EXPECT_EQ(c.ConformalQuantile(95), 19);
  EXPECT_EQ(c.ConformalQuantile(80), 16);
  // Four scores of 1 and 3: too few for rank ceil(5 * 0.95) = 5, so z times
  // their root mean square, sqrt(5).
  const IntervalCalibration small({1, 3, 1, 3});
  EXPECT_NEAR(small.ConformalQuantile(95), 1.959964 * std::sqrt(5.0), 1e-5);
  EXPECT_EQ(small.ConformalQuantile(50),
            3);  // rank ceil(5 * 0.5) = 3 of 1, 1, 3, 3
  // Uniform scores have thinner tails than normal: the median's normal
  // scale, 10 / z(0.75), sets the multipliers above the ranks.
  EXPECT_NEAR(c.Multiplier(95), 10 / 0.6744898 * 1.959964, 1e-5);
  EXPECT_NEAR(c.Multiplier(80), 10 / 0.6744898 * 1.281552, 1e-5);
  EXPECT_EQ(IntervalCalibration({NAN, INFINITY}).size(), 0u);
  // Six scores: 80% takes the largest by rank, 95% is past the ranks; the
  // 95% multiplier must still be the wider (one big score, small rms).
  const IntervalCalibration six({0.1, 0.1, 0.1, 0.1, 0.1, 3});
  EXPECT_EQ(six.ConformalQuantile(80), 3);
  EXPECT_GE(six.ConformalQuantile(95), 3);
  EXPECT_GE(six.Multiplier(95), six.Multiplier(80));
  EXPECT_GE(six.Multiplier(80), six.Multiplier(50));
  // Thin tails (every score the same) get normal ones at the median's
  // scale: 0.5 / z(0.75) * z(0.975).
  const IntervalCalibration thin(std::vector<double>(40, 0.5));
  EXPECT_EQ(thin.ConformalQuantile(95), 0.5);
  EXPECT_NEAR(thin.Multiplier(95), 0.5 / 0.6744898 * 1.959964, 1e-6);
}

TEST(RollingOriginTest, OriginsStepBackFromTheEnd) {
  EXPECT_EQ(RollingOrigins(100, 10, 3, 10, 20),
            (std::vector<int64_t>{70, 80, 90}));
  EXPECT_EQ(RollingOrigins(40, 10, 3, 10, 20), (std::vector<int64_t>{20, 30}));
  EXPECT_TRUE(RollingOrigins(25, 10, 3, 10, 20).empty());
}

// A random walk forecast by the mean model: its own intervals (the
// spread of the whole history) are far too narrow at long horizons and
// the wrong shape. Conformal ones must hold their level on average over
// many series; the model's own must not, or this test proves nothing.
TEST(ConformalModelTest, CoverageNearNominalWhereTheModelsIsNot) {
  std::mt19937 rng(11);
  std::normal_distribution<double> step(0, 1);
  const NaiveModel naive(NaiveKind::kNaive);
  const ConformalModel conformal(
      std::make_unique<NaiveModel>(NaiveKind::kNaive), 8);
  const double levels[] = {80, 95};
  const int horizon = 6;
  int inside80 = 0, inside95 = 0, own95 = 0, total = 0;
  for (int series = 0; series < 400; ++series) {
    // Random walk whose step variance doubles halfway: the model's own
    // intervals, from the whole history, are too narrow at the end.
    std::vector<double> y = {0};
    for (int t = 1; t < 120 + horizon; ++t) {
      y.push_back(y.back() + (t < 60 ? 1 : 2) * step(rng));
    }
    const std::vector<double> train(y.begin(), y.end() - horizon);
    ASSERT_OK_AND_ASSIGN(auto f, conformal.Fit({train, {}, horizon}));
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(horizon, levels));
    ASSERT_OK_AND_ASSIGN(auto g, naive.Fit({train, {}, horizon}));
    ASSERT_OK_AND_ASSIGN(Prediction q, g->Predict(horizon, levels));
    for (int h = 0; h < horizon; ++h) {
      const double a = y[train.size() + h];
      inside80 += a >= p.intervals[0].lower[h] && a <= p.intervals[0].upper[h];
      inside95 += a >= p.intervals[1].lower[h] && a <= p.intervals[1].upper[h];
      own95 += a >= q.intervals[1].lower[h] && a <= q.intervals[1].upper[h];
      ++total;
    }
  }
  // 2,400 forecasts: a binomial standard error of 0.8 points at 80%, 0.45
  // at 95%. The bounds allow for that, and above the level for the larger
  // of two noisy estimates (rank and median scale), which errs wide.
  EXPECT_GE(inside80 / double(total), 0.77);
  EXPECT_LE(inside80 / double(total), 0.88);
  EXPECT_GE(inside95 / double(total), 0.935);
  EXPECT_LE(inside95 / double(total), 0.98);
  EXPECT_LT(own95 / double(total), 0.90);
}

TEST(ConformalModelTest, TooShortKeepsTheModelsOwnAndWarns) {
  const ConformalModel conformal(
      std::make_unique<NaiveModel>(NaiveKind::kNaive));
  const std::vector<double> y = {1, 2, 3, 2, 4, 3, 5};
  ASSERT_OK_AND_ASSIGN(auto f, conformal.Fit({y, {}, 3}));
  ASSERT_EQ(f->Warnings().size(), 1u);
  EXPECT_THAT(f->Warnings()[0],
              ::testing::HasSubstr("conformal intervals need"));
}

TEST(ConformalModelTest, TheIntervalsOptionWrapsAnyModel) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel("theta(intervals=conformal)"));
  std::vector<double> y;
  for (int t = 0; t < 80; ++t) y.push_back(50 + std::sin(t) * 5 + 0.3 * t);
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {}, 8}));
  EXPECT_THAT(f->Description(),
              ::testing::HasSubstr(
                  "intervals conformal for a positive series over 40 scores"));
}

}  // namespace
}  // namespace tsforecast::forecast

namespace tsforecast::forecast {
namespace {

TEST(ConformalModelTest, PositiveSeriesAreCalibratedOnAPositiveBand) {
  // A volatile price: level bands would be symmetric and wide.
  std::vector<double> y;
  uint32_t state = 3;
  double level = 100;
  for (int t = 0; t < 120; ++t) {
    state = state * 1664525u + 1013904223u;
    level *= std::exp(0.15 * ((state >> 8) / double(1 << 24) - 0.5));
    y.push_back(level);
  }
  EXPECT_EQ(ScaleFor(y), ScoreScale::kPositive);
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel("naive(intervals=conformal)"));
  ASSERT_OK_AND_ASSIGN(auto fit, model->Fit({y, {}, 6}));
  EXPECT_THAT(fit->Description(),
              ::testing::HasSubstr("for a positive series"));
  const double levels[] = {95};
  ASSERT_OK_AND_ASSIGN(Prediction p, fit->Predict(60, levels));
  for (size_t h = 0; h < p.mean.size(); ++h) {
    const double below = p.mean[h] - p.intervals[0].lower[h];
    const double above = p.intervals[0].upper[h] - p.mean[h];
    EXPECT_GT(p.intervals[0].lower[h], 0) << h;
    EXPECT_GT(above, below) << h;  // log-symmetric: wider above
  }
  // A zero in the history: levels, symmetric.
  y[10] = 0;
  EXPECT_EQ(ScaleFor(y), ScoreScale::kLevels);
  ASSERT_OK_AND_ASSIGN(fit, model->Fit({y, {}, 6}));
  ASSERT_OK_AND_ASSIGN(p, fit->Predict(6, levels));
  EXPECT_NEAR(p.mean[5] - p.intervals[0].lower[5],
              p.intervals[0].upper[5] - p.mean[5], 1e-9 * p.mean[5]);
}

}  // namespace
}  // namespace tsforecast::forecast
