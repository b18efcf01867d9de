// Forecasts against R 4.2 with forecast 8.20 on data sets that ship with R.
// The values come from scripts/golden/make_golden.R (tests/golden/*.csv),
// so the suite needs no R. Exact recursions must match to rounding; fitted
// models within the stated tolerances (different optimisers find slightly
// different optima of the same likelihood).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_split.h"
#include "forecast/exponential_smoothing.h"
#include "forecast/model_registry.h"
#include "forecast/naive.h"
#include "forecast/stl.h"
#include "forecast/transform.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

std::string GoldenPath(const std::string& name) {
  return std::string(TSF_SOURCE_DIR) + "/tests/golden/" + name;
}

std::vector<std::vector<double>> ReadCsv(const std::string& name) {
  const std::string path = GoldenPath(name);
  std::ifstream in(path);
  EXPECT_TRUE(in) << "missing " << path;
  std::vector<std::vector<double>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> row;
    for (absl::string_view cell : absl::StrSplit(line, ',')) {
      row.push_back(cell == "NA" ? NAN : std::stod(std::string(cell)));
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<double> Input(const std::string& c) {
  std::vector<double> y;
  for (const auto& row : ReadCsv(c + ".input.csv")) y.push_back(row[0]);
  return y;
}

// Compares mean (and, when R gave them, 80/95% bounds) within `rel` of
// R's value.
void ExpectMatches(const std::string& c, const Prediction& p, double rel,
                   bool intervals, double interval_rel = -1) {
  if (interval_rel < 0) interval_rel = rel;
  const auto expected = ReadCsv(c + ".expected.csv");
  ASSERT_EQ(p.mean.size(), expected.size()) << c;
  for (size_t h = 0; h < expected.size(); ++h) {
    const auto& e = expected[h];
    EXPECT_NEAR(p.mean[h], e[1], rel * std::fabs(e[1])) << c << " h=" << h + 1;
    if (!intervals) continue;
    ASSERT_EQ(p.intervals.size(), 2u);
    // Each interval's centre within `rel` of R's mean, its width within
    // `interval_rel` of R's width.
    for (int i = 0; i < 2; ++i) {
      const double lo = e[2 + 2 * i], hi = e[3 + 2 * i];
      const PredictionInterval& pi = p.intervals[i];
      EXPECT_NEAR((pi.lower[h] + pi.upper[h]) / 2, (lo + hi) / 2,
                  rel * std::fabs(e[1]))
          << c << " h=" << h + 1;
      EXPECT_NEAR(pi.upper[h] - pi.lower[h], hi - lo, interval_rel * (hi - lo))
          << c << " h=" << h + 1 << " level " << pi.level;
    }
  }
}

const double kLevels[] = {80, 95};

TEST(GoldenTest, SesRecursionWithFixedParameters) {
  const std::vector<double> y = Input("ses_fixed_nile");
  ExponentialSmoothingModel ses(TrendKind::kNone, {0.3, 0, 1, y[0], 0});
  ASSERT_OK_AND_ASSIGN(auto f, ses.Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(10, {}));
  ExpectMatches("ses_fixed_nile", p, 1e-12, false);
}

TEST(GoldenTest, HoltRecursionWithFixedParameters) {
  const std::vector<double> y = Input("holt_fixed_wwwusage");
  // HoltWinters starts at the third point from level y[1], trend y[1]-y[0];
  // its beta 0.4 on the level change is ETS beta 0.5 * 0.4.
  ExponentialSmoothingModel holt(TrendKind::kAdditive,
                                 {0.5, 0.2, 1, y[1], y[1] - y[0]});
  const std::vector<double> rest(y.begin() + 2, y.end());
  ASSERT_OK_AND_ASSIGN(auto f, holt.Fit({rest, {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(10, {}));
  ExpectMatches("holt_fixed_wwwusage", p, 1e-12, false);
}

TEST(GoldenTest, BenchmarkFamilyWithIntervals) {
  const std::vector<std::pair<std::string, NaiveKind>> cases = {
      {"naive_airpassengers", NaiveKind::kNaive},
      {"snaive_airpassengers", NaiveKind::kSeasonalNaive},
      {"drift_airpassengers", NaiveKind::kDrift},
      {"mean_nile", NaiveKind::kMean}};
  for (const auto& [c, kind] : cases) {
    const std::vector<double> y = Input(c);
    ASSERT_OK_AND_ASSIGN(auto f, NaiveModel(kind).Fit({y, {12}}));
    const int h = static_cast<int>(ReadCsv(c + ".expected.csv").size());
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(h, kLevels));
    ExpectMatches(c, p, 1e-6, true);
  }
}

TEST(GoldenTest, EtsFittedByMaximumLikelihood) {
  // Same likelihood as R's ets (additive errors), different optimiser.
  const std::vector<std::pair<std::string, TrendKind>> cases = {
      {"ets_ann_nile", TrendKind::kNone},
      {"ets_aan_wwwusage", TrendKind::kAdditive},
      {"ets_aadn_wwwusage", TrendKind::kDamped}};
  for (const auto& [c, trend] : cases) {
    const std::vector<double> y = Input(c);
    ASSERT_OK_AND_ASSIGN(auto f, ExponentialSmoothingModel(trend).Fit({y, {}}));
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(10, kLevels));
    // Means within 1%; interval widths within 5%: Holt on WWWusage sits at
    // alpha ~ 1, where small differences in beta move the width.
    ExpectMatches(c, p, 0.01, true, 0.05);
  }
}

// R's estimates from parameters.csv ("case","name",value).
std::map<std::string, double> RParameters() {
  std::ifstream in(GoldenPath("parameters.csv"));
  std::map<std::string, double> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    line.erase(std::remove(line.begin(), line.end(), '"'), line.end());
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    if (cells.size() == 3) out[cells[0] + "." + cells[1]] = std::stod(cells[2]);
  }
  return out;
}

TEST(GoldenTest, EstimatedParametersCloseToR) {
  const std::map<std::string, double> r = RParameters();
  ASSERT_EQ(r.size(), 5u);
  auto estimate = [](const std::string& c, TrendKind trend,
                     const std::string& name) -> double {
    auto f = ExponentialSmoothingModel(trend).Fit({Input(c), {}});
    EXPECT_OK(f);
    for (const auto& [n, v] : (*f)->Parameters()) {
      if (n == name) return v;
    }
    return NAN;
  };
  EXPECT_NEAR(estimate("ets_ann_nile", TrendKind::kNone, "alpha"),
              r.at("ets_ann_nile.alpha"), 0.01);
  EXPECT_NEAR(estimate("ets_aan_wwwusage", TrendKind::kAdditive, "alpha"),
              r.at("ets_aan_wwwusage.alpha"), 0.01);
  EXPECT_NEAR(estimate("ets_aadn_wwwusage", TrendKind::kDamped, "phi"),
              r.at("ets_aadn_wwwusage.phi"), 0.02);
  // BoxCox.lambda(AirPassengers, method = "guerrero"); we search a 0.01 grid.
  EXPECT_NEAR(GuerreroLambda(Input("guerrero_airpassengers"), 12),
              r.at("guerrero_airpassengers.lambda"), 0.01);
}

TEST(GoldenTest, EtsSeasonalFamilyCloseToR) {
  const double levels[] = {80, 95};
  // ets(UKgas) in R picks ETS(M,A,M); so must we, with close forecasts.
  ASSERT_OK_AND_ASSIGN(auto auto_ets, MakeModel("ets"));
  ASSERT_OK_AND_ASSIGN(auto f, auto_ets->Fit({Input("ets_auto_ukgas"), {4}}));
  EXPECT_NE(f->Description().find("ets(MAM"), std::string::npos)
      << f->Description();
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(8, levels));
  ExpectMatches("ets_auto_ukgas", p, 0.01, false);
  // Fixed members within 5%: our seasonal initial states are not optimised
  // (R's are), which shifts the seasonal profile by up to ~5% at some
  // months (a known gap, noted on the issue).
  ASSERT_OK_AND_ASSIGN(auto mam,
                       MakeModel(ModelSpec{"ets", {{"model", "MAM"}}}));
  ASSERT_OK_AND_ASSIGN(f, mam->Fit({Input("ets_mam_airpassengers"), {12}}));
  ASSERT_OK_AND_ASSIGN(p, f->Predict(24, levels));
  ExpectMatches("ets_mam_airpassengers", p, 0.05, false);
  ASSERT_OK_AND_ASSIGN(auto aaa,
                       MakeModel(ModelSpec{"ets", {{"model", "AAA"}}}));
  ASSERT_OK_AND_ASSIGN(f, aaa->Fit({Input("ets_aaa_usaccdeaths"), {12}}));
  ASSERT_OK_AND_ASSIGN(p, f->Predict(24, levels));
  ExpectMatches("ets_aaa_usaccdeaths", p, 0.05, false);
}

TEST(GoldenTest, StlMatchesR) {
  // stl(USAccDeaths, s.window = 7) with every jump 1.
  ASSERT_OK_AND_ASSIGN(
      StlResult stl,
      Stl(Input("stl_usaccdeaths"), {.period = 12, .seasonal_window = 7}));
  const auto expected = ReadCsv("stl_usaccdeaths.expected.csv");
  ASSERT_EQ(stl.seasonal.size(), expected.size());
  for (size_t t = 0; t < expected.size(); ++t) {
    EXPECT_NEAR(stl.seasonal[t], expected[t][0], 1e-6 * 10000) << t;
    EXPECT_NEAR(stl.trend[t], expected[t][1], 1e-6 * 10000) << t;
  }
}

TEST(GoldenTest, ThetaMatchesThetaf) {
  ASSERT_OK_AND_ASSIGN(auto theta, MakeModel("theta"));
  ASSERT_OK_AND_ASSIGN(auto f, theta->Fit({Input("theta_usaccdeaths"), {12}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(24, kLevels));
  ExpectMatches("theta_usaccdeaths", p, 0.01, false);
  ASSERT_OK_AND_ASSIGN(auto g, theta->Fit({Input("theta_nile"), {}}));
  ASSERT_OK_AND_ASSIGN(p, g->Predict(10, kLevels));
  ExpectMatches("theta_nile", p, 0.01, true);
}

}  // namespace
}  // namespace tsforecast::forecast
