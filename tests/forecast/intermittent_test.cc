// Intermittent-demand models against R's forecast::croston (golden values
// from scripts/golden/make_golden.R) and against hand-computed recursions
// where R has no implementation (tsintermittent is not in Debian).
#include <cmath>
#include <string>

#include "forecast/model_registry.h"
#include "gtest/gtest.h"
#include "tests/testing/golden.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

const std::vector<double> kShort = {0, 3, 0, 0, 5, 0, 4};
const double kLevels[] = {80, 95};

double FirstForecast(const std::string& model, const std::vector<double>& y,
                     std::map<std::string, std::string> options = {}) {
  auto m = MakeModel(ModelSpec{model, std::move(options)});
  EXPECT_OK(m);
  auto f = (*m)->Fit({y, {}});
  EXPECT_OK(f);
  auto p = (*f)->Predict(3, kLevels);
  EXPECT_OK(p);
  return p->mean[0];
}

TEST(IntermittentTest, CrostonMatchesR) {
  const std::map<std::string, double> r = RParameters();
  // Sizes 3, 5, 4 smooth to 3.28; intervals 2, 3, 2 to 2.09 (R's croston).
  EXPECT_NEAR(FirstForecast("croston", kShort), r.at("croston_short.mean"),
              1e-6);
  EXPECT_NEAR(FirstForecast("croston", kShort), 3.28 / 2.09, 1e-12);
  // A longer, seeded series: all six steps (the forecast is flat).
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel("croston"));
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({Input("croston_intermittent"), {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(6, kLevels));
  ExpectMatches("croston_intermittent", p, 1e-9, false);
}

TEST(IntermittentTest, SbaRemovesCrostonsBiasOnlyWhereThereAreZeros) {
  EXPECT_NEAR(FirstForecast("sba", kShort), (1 - 0.05) * 3.28 / 2.09, 1e-12);
  EXPECT_NEAR(FirstForecast("sba", kShort, {{"alpha", "0.2"}}),
              (1 - 0.1) * FirstForecast("croston", kShort, {{"alpha", "0.2"}}),
              1e-12);
  // No zeros: every interval is 1 and there is no bias to remove.
  EXPECT_NEAR(FirstForecast("sba", {4, 5, 6, 5}),
              FirstForecast("croston", {4, 5, 6, 5}), 1e-12);
}

TEST(IntermittentTest, TsbFollowsTheHandComputedRecursion) {
  // z0 = 3, d0 = 1/2 at the first demand; then with alpha = beta = 0.1:
  // d: 0.45, 0.405, 0.4645 (z 3.2), 0.41805, 0.476245 (z 3.28).
  EXPECT_NEAR(FirstForecast("tsb", kShort), 0.476245 * 3.28, 1e-12);
  // Without demand the forecast decays: ten more zeros multiply d by 0.9^10.
  std::vector<double> idle = kShort;
  idle.insert(idle.end(), 10, 0.0);
  EXPECT_NEAR(FirstForecast("tsb", idle), 0.476245 * std::pow(0.9, 10) * 3.28,
              1e-12);
}

TEST(IntermittentTest, AdidaForecastsBucketTotalsAndSpreadsThem) {
  const std::vector<double> y = {0, 3, 0, 0, 5, 0, 4, 0};
  // Mean interval 7 / 3 -> buckets of 2 from the end: 3, 0, 5, 4; naive 4.
  EXPECT_NEAR(FirstForecast("adida", y, {{"base", "naive"}}), 2.0, 1e-12);
  // Buckets of 4: 3, 9; naive 9, spread over 4 periods.
  EXPECT_NEAR(
      FirstForecast("adida", y, {{"base", "naive"}, {"aggregation", "4"}}),
      2.25, 1e-12);
  ASSERT_OK_AND_ASSIGN(auto model,
                       MakeModel(ModelSpec{"adida", {{"aggregation", "5"}}}));
  EXPECT_STATUS(model->Fit({y, {}}), absl::StatusCode::kFailedPrecondition,
                "adida with buckets of 5 periods needs at least 10 points");
}

TEST(IntermittentTest, EdgeCasesAndBadInput) {
  for (const char* name : {"croston", "sba", "tsb"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(FirstForecast(name, {0, 0, 0, 0}), 0);
    ASSERT_OK_AND_ASSIGN(auto model, MakeModel(name));
    EXPECT_STATUS(model->Fit({std::vector<double>{0, 2, -1, 3}, {}}),
                  absl::StatusCode::kFailedPrecondition,
                  "cannot be negative; values[2] is -1");
    // The intervals have no theory here, and the fit says so.
    ASSERT_OK_AND_ASSIGN(auto f, model->Fit({kShort, {}}));
    ASSERT_FALSE(f->Warnings().empty());
    EXPECT_NE(f->Warnings()[0].find("intervals are approximate"),
              std::string::npos);
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(2, kLevels));
    EXPECT_GE(p.intervals[1].lower[0], 0);  // demand is never negative
  }
  EXPECT_STATUS(MakeModel(ModelSpec{"croston", {{"alpha", "1.5"}}}),
                absl::StatusCode::kInvalidArgument,
                "model.options[\"alpha\"]: \"1.5\" is not a number in (0, 1)");
  EXPECT_STATUS(MakeModel(ModelSpec{"adida", {{"base", "arima"}}}),
                absl::StatusCode::kInvalidArgument, "is not one of ses");
}

}  // namespace
}  // namespace tsforecast::forecast
