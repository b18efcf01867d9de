// Exact recursions with fixed parameters, and properties every model must
// have: constant in gives flat out, intervals contain the mean and widen,
// scaling the data scales the forecast, bad arguments are errors.
#include <cmath>
#include <random>

#include "forecast/ets/ets_model.h"
#include "forecast/model_registry.h"
#include "forecast/naive.h"
#include "gtest/gtest.h"
#include "tests/testing/model_variants.h"
#include "tests/testing/smoothing.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

const double kLevels[] = {80, 95};

std::vector<double> Trended(int n, double scale = 1, int seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 2);
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    y.push_back(scale * (200 + 0.8 * t + 15 * std::sin(2 * M_PI * t / 12) +
                         noise(rng)));
  }
  return y;
}

TEST(NaiveTest, ForecastsAndIntervalsByHand) {
  const std::vector<double> y = {10, 12, 11, 13, 15, 14, 16, 18};
  SeriesView v{y, {4}};
  ASSERT_OK_AND_ASSIGN(auto naive, NaiveModel(NaiveKind::kNaive).Fit(v));
  ASSERT_OK_AND_ASSIGN(Prediction p, naive->Predict(3, {95}));
  EXPECT_EQ(p.mean, (std::vector<double>{18, 18, 18}));
  // sigma^2 = mean of squared differences: (4+1+4+4+1+4+4)/7 = 22/7.
  const double sigma = std::sqrt(22.0 / 7);
  EXPECT_NEAR(p.intervals[0].upper[2] - 18, 1.959964 * sigma * std::sqrt(3),
              1e-5);

  ASSERT_OK_AND_ASSIGN(auto snaive,
                       NaiveModel(NaiveKind::kSeasonalNaive).Fit(v));
  ASSERT_OK_AND_ASSIGN(p, snaive->Predict(6, {}));
  EXPECT_EQ(p.mean, (std::vector<double>{15, 14, 16, 18, 15, 14}));

  ASSERT_OK_AND_ASSIGN(auto drift, NaiveModel(NaiveKind::kDrift).Fit(v));
  ASSERT_OK_AND_ASSIGN(p, drift->Predict(2, {}));
  EXPECT_DOUBLE_EQ(p.mean[0], 18 + 8.0 / 7);
  EXPECT_DOUBLE_EQ(p.mean[1], 18 + 16.0 / 7);

  ASSERT_OK_AND_ASSIGN(auto mean, NaiveModel(NaiveKind::kMean).Fit(v));
  ASSERT_OK_AND_ASSIGN(p, mean->Predict(1, {}));
  EXPECT_DOUBLE_EQ(p.mean[0], 109.0 / 8);
}

TEST(ExponentialSmoothingTest, FixedParameterRecursions) {
  const std::vector<double> y = {10, 12, 11, 13};
  // SES: l_t = l_{t-1} + 0.5 (y_t - l_{t-1}) from l0 = 10:
  // 10, 11, 11, 12 -> forecast 12.
  EtsModel ses = Smoothing(EtsTrend::kNone, {0.5, 0, 1, 10, 0});
  ASSERT_OK_AND_ASSIGN(auto f, ses.Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(2, {}));
  EXPECT_DOUBLE_EQ(p.mean[0], 12);
  EXPECT_DOUBLE_EQ(p.mean[1], 12);
  // Holt with alpha 0.5, beta 0.25, l0 10, b0 1 (forecast f, error e):
  // y=10: f=11 e=-1 l=10.5 b=0.75; y=12: f=11.25 e=0.75 l=11.625 b=0.9375;
  // y=11: f=12.5625 e=-1.5625 l=11.78125 b=0.546875;
  // y=13: f=12.328125 e=0.671875 l=12.6640625 b=0.71484375
  // -> h1 = 13.37890625, h2 = 14.09375.
  EtsModel holt = Smoothing(EtsTrend::kAdditive, {0.5, 0.25, 1, 10, 1});
  ASSERT_OK_AND_ASSIGN(f, holt.Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(p, f->Predict(2, {}));
  EXPECT_DOUBLE_EQ(p.mean[0], 13.37890625);
  EXPECT_DOUBLE_EQ(p.mean[1], 14.09375);
  // Damped, phi 0.9: forecasts add phi + phi^2 ... of the final trend.
  EtsModel damped = Smoothing(EtsTrend::kDamped, {0.5, 0.25, 0.9, 10, 1});
  ASSERT_OK_AND_ASSIGN(f, damped.Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(p, f->Predict(3, {}));
  const double step1 = p.mean[1] - p.mean[0];
  const double step2 = p.mean[2] - p.mean[1];
  EXPECT_NEAR(step2 / step1, 0.9, 1e-12);
}

TEST(ExponentialSmoothingTest, FitRecoversALinearTrend) {
  std::vector<double> y;
  for (int t = 0; t < 60; ++t) y.push_back(50 + 2 * t);
  ASSERT_OK_AND_ASSIGN(auto f, Smoothing(EtsTrend::kAdditive).Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(5, {}));
  for (int h = 0; h < 5; ++h) EXPECT_NEAR(p.mean[h], 50 + 2 * (60 + h), 0.05);
  EXPECT_TRUE(f->summary().has_likelihood);
  EXPECT_LT(f->summary().aicc, INFINITY);
}

class EveryModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryModelTest, ConstantInFlatOut) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel(GetParam()));
  std::vector<double> y(48, 42.0);
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {12}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(10, kLevels));
  for (double v : p.mean) EXPECT_NEAR(v, 42.0, 1e-6) << f->Description();
}

TEST_P(EveryModelTest, IntervalsContainTheMeanAndWiden) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel(GetParam()));
  const std::vector<double> y = Trended(96);
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {12}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(24, kLevels));
  ASSERT_EQ(p.mean.size(), 24u);
  ASSERT_EQ(p.intervals.size(), 2u);
  for (int h = 0; h < 24; ++h) {
    ASSERT_TRUE(std::isfinite(p.mean[h]));
    EXPECT_LE(p.intervals[1].lower[h], p.intervals[0].lower[h]);
    EXPECT_LE(p.intervals[0].lower[h], p.mean[h]);
    EXPECT_LE(p.mean[h], p.intervals[0].upper[h]);
    EXPECT_LE(p.intervals[0].upper[h], p.intervals[1].upper[h]);
  }
  // Widths grow with the horizon; comparing steps one season apart keeps
  // the seasonal factor of deseasonalised models out of it.
  auto width = [&](int h) {
    return p.intervals[1].upper[h] - p.intervals[1].lower[h];
  };
  for (int h = 0; h < 12; ++h) {
    EXPECT_GE(width(h + 12) + 1e-9, width(h)) << f->Description() << " h " << h;
  }
}

TEST_P(EveryModelTest, ScalingTheDataScalesTheForecast) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel(GetParam()));
  const std::vector<double> y = Trended(96);
  const std::vector<double> y1000 = Trended(96, 1000);
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {12}}));
  ASSERT_OK_AND_ASSIGN(auto f1000, model->Fit({y1000, {12}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(12, {}));
  ASSERT_OK_AND_ASSIGN(Prediction p1000, f1000->Predict(12, {}));
  for (int h = 0; h < 12; ++h) {
    EXPECT_NEAR(p1000.mean[h], 1000 * p.mean[h],
                1e-3 * 1000 * std::fabs(p.mean[h]))
        << f->Description();
  }
}

TEST_P(EveryModelTest, BadArgumentsAreErrors) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel(GetParam()));
  const std::vector<double> y = Trended(60);
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {12}}));
  EXPECT_STATUS(f->Predict(0, {}), absl::StatusCode::kInvalidArgument,
                "horizon: 0 is outside");
  EXPECT_STATUS(f->Predict(kMaxHorizon + 1, {}),
                absl::StatusCode::kInvalidArgument, "horizon");
  const double bad_level[] = {100};
  EXPECT_STATUS(f->Predict(3, bad_level), absl::StatusCode::kInvalidArgument,
                "levels[0]: 100 is outside (0, 100)");
  std::vector<double> with_nan = y;
  with_nan[7] = NAN;
  EXPECT_STATUS(model->Fit({with_nan, {12}}),
                absl::StatusCode::kInvalidArgument,
                "values[7]: not a finite number");
  EXPECT_STATUS(model->Fit({std::vector<double>{1.0}, {}}),
                absl::StatusCode::kFailedPrecondition, "needs at least");
}

// Every registered model, so a new one cannot skip these properties.
INSTANTIATE_TEST_SUITE_P(Registry, EveryModelTest,
                         ::testing::ValuesIn(ModelVariantsUnderTest()));

TEST(PromqlTest, DoubleExponentialSmoothingMatchesPromql) {
  // PromQL's double_exponential_smoothing([100, 200, 300, 200, 300, 400],
  // 0.1, 0.2) is 535.792 (the smoothed level); forecasts continue it with
  // the trend, so the level is 2 f(1) - f(2).
  ASSERT_OK_AND_ASSIGN(
      auto model, MakeModel(ModelSpec{
                      "double_exponential_smoothing",
                      {{"smoothing_factor", "0.1"}, {"trend_factor", "0.2"}}}));
  const std::vector<double> y = {100, 200, 300, 200, 300, 400};
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(2, {}));
  EXPECT_NEAR(2 * p.mean[0] - p.mean[1], 535.792, 1e-9);
}

TEST(PromqlTest, PredictLinearExtendsTheLeastSquaresLine) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel("predict_linear"));
  const std::vector<double> y = {1, 3, 2, 4, 5};  // slope 0.9, intercept 1.2
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(2, {}));
  EXPECT_NEAR(p.mean[0], 1.2 + 0.9 * 5, 1e-12);
  EXPECT_NEAR(p.mean[1], 1.2 + 0.9 * 6, 1e-12);
}

TEST(ModelRegistryTest, OptionsAreCheckedAndCanonical) {
  EXPECT_STATUS(
      MakeModel(ModelSpec{"ses", {{"alpha", "0.5"}}}),
      absl::StatusCode::kInvalidArgument,
      "model.options[\"alpha\"]: not an option of ses; options: intervals");
  EXPECT_STATUS(MakeModel(ModelSpec{"double_exponential_smoothing",
                                    {{"trend_factor", "1.5"}}}),
                absl::StatusCode::kInvalidArgument,
                "\"1.5\" is not a number in (0, 1)");
  const ModelSpec spec{"double_exponential_smoothing",
                       {{"trend_factor", "0.2"}, {"smoothing_factor", "0.1"}}};
  EXPECT_EQ(
      spec.Canonical(),
      "double_exponential_smoothing(smoothing_factor=0.1,trend_factor=0.2)");
}

TEST(SeasonalModelsTest, APureSeasonalSeriesRepeats) {
  const std::vector<double> pattern = {10, 14, 9,  20, 25, 18,
                                       12, 8,  11, 16, 22, 13};
  std::vector<double> y;
  for (int t = 0; t < 96; ++t) y.push_back(100 + pattern[t % 12]);
  for (const char* name :
       {"snaive", "naive2", "theta", "ets", "holt_winters", "mstl", "auto"}) {
    ASSERT_OK_AND_ASSIGN(auto model, MakeModel(name));
    ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {12}}));
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(24, {}));
    for (int h = 0; h < 24; ++h) {
      EXPECT_NEAR(p.mean[h], 100 + pattern[(96 + h) % 12], 0.5)
          << name << " h=" << h + 1 << ": " << f->Description();
    }
  }
}

TEST(ModelRegistryTest, UnknownModelNamesTheKnownOnes) {
  EXPECT_STATUS(MakeModel("prophet"), absl::StatusCode::kInvalidArgument,
                "unknown model \"prophet\"; known: mean, naive");
  for (const ModelInfo& info : ListModels()) EXPECT_OK(MakeModel(info.name));
}

}  // namespace
}  // namespace tsforecast::forecast
