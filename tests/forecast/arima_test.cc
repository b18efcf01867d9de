// ARIMA against R 4.2 (stats::arima, forecast 8.20's auto.arima and
// Arima) on series that ship with R; golden values from
// scripts/golden/make_golden.R. Plus the pieces on their own: the
// differencing tests, the polynomial helpers and bad input.
#include <cmath>
#include <map>
#include <string>

#include "forecast/arima/arima_fit.h"
#include "forecast/arima/differencing_tests.h"
#include "forecast/arima/polynomial.h"
#include "forecast/arima/state_space.h"
#include "forecast/model_registry.h"
#include "gtest/gtest.h"
#include "tests/testing/golden.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

const double kLevels[] = {80, 95};

double Param(const FittedModel& f, const std::string& name) {
  for (const auto& [n, v] : f.Parameters()) {
    if (n == name) return v;
  }
  return NAN;
}

// auto.arima's choices on R's classic series. Tolerances: the orders must
// be identical; coefficients within 1 % (or 0.005 absolute for those near
// zero, where a relative bound means nothing); log-likelihood within 1e-3
// relative (both ends are optima of the same exact likelihood: the
// optimisers differ, BFGS with R's numerical gradient against NLopt's
// L-BFGS, and stop at slightly different points); forecasts and interval
// widths within 1 %.
TEST(ArimaGoldenTest, AutoArimaPicksRsOrderAndMatchesItsFit) {
  const std::map<std::string, double> r = RParameters();
  for (const char* series :
       {"usaccdeaths", "lynx", "wwwusage", "lakehuron", "nottem", "ukgas"}) {
    const std::string c = std::string("arima_") + series;
    SCOPED_TRACE(c);
    const std::vector<double> y = Input(c);
    const double m = r.at(c + ".frequency");
    ASSERT_OK_AND_ASSIGN(auto model, MakeModel("arima"));
    ASSERT_OK_AND_ASSIGN(auto f,
                         model->Fit({y, m > 1 ? std::vector<double>{m}
                                              : std::vector<double>{}}));
    const std::string d = f->Description();
    // The order, as R's arimaorder() gives it.
    std::string expected = "ARIMA(" +
                           std::to_string(int(r.at(c + ".order_p"))) + "," +
                           std::to_string(int(r.at(c + ".order_d"))) + "," +
                           std::to_string(int(r.at(c + ".order_q"))) + ")";
    if (r.contains(c + ".order_P") &&
        r.at(c + ".order_P") + r.at(c + ".order_D") + r.at(c + ".order_Q") >
            0) {
      expected += "(" + std::to_string(int(r.at(c + ".order_P"))) + "," +
                  std::to_string(int(r.at(c + ".order_D"))) + "," +
                  std::to_string(int(r.at(c + ".order_Q"))) + ")[" +
                  std::to_string(int(m)) + "]";
    }
    EXPECT_EQ(d.substr(0, expected.size()), expected) << d;
    for (const auto& [key, value] : r) {
      if (key.rfind(c + ".coef_", 0) != 0) continue;
      const std::string name = key.substr(c.size() + 6);
      EXPECT_NEAR(Param(*f, name), value,
                  std::max(0.01 * std::fabs(value), 0.005))
          << name << " in " << d;
    }
    EXPECT_NEAR(f->summary().log_likelihood, r.at(c + ".loglik"),
                1e-3 * std::fabs(r.at(c + ".loglik")));
    EXPECT_NEAR(f->summary().sigma2, r.at(c + ".sigma2"),
                0.01 * r.at(c + ".sigma2"));
    const int h = static_cast<int>(ReadCsv(c + ".expected.csv").size());
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(h, kLevels));
    ExpectMatches(c, p, 0.01, true);
  }
}

TEST(ArimaGoldenTest, NonStepwiseSearchPicksRsOrder) {
  const std::map<std::string, double> r = RParameters();
  for (const char* series : {"wwwusage", "lynx", "usaccdeaths"}) {
    const std::string c = std::string("arima_full_") + series;
    SCOPED_TRACE(c);
    const std::vector<double> y = Input(std::string("arima_") + series);
    const double m = r.at(std::string("arima_") + series + ".frequency");
    ASSERT_OK_AND_ASSIGN(
        auto model,
        MakeModel(ModelSpec{
            "arima", {{"stepwise", "false"}, {"approximation", "false"}}}));
    ASSERT_OK_AND_ASSIGN(auto f,
                         model->Fit({y, m > 1 ? std::vector<double>{m}
                                              : std::vector<double>{}}));
    const std::string expected =
        "ARIMA(" + std::to_string(int(r.at(c + ".order_p"))) + "," +
        std::to_string(int(r.at(c + ".order_d"))) + "," +
        std::to_string(int(r.at(c + ".order_q"))) + ")";
    EXPECT_EQ(f->Description().substr(0, expected.size()), expected)
        << f->Description();
    EXPECT_NE(f->Description().find("search of all"), std::string::npos);
    EXPECT_NEAR(f->summary().log_likelihood, r.at(c + ".loglik"),
                1e-3 * std::fabs(r.at(c + ".loglik")));
  }
}

TEST(ArimaGoldenTest, GivenOrdersMatchRsArima) {
  const std::map<std::string, double> r = RParameters();
  {
    // Arima(log(AirPassengers), order = c(2,1,1), seasonal = c(0,1,1)).
    const std::string c = "arima_211_011_log_airpassengers";
    ASSERT_OK_AND_ASSIGN(
        auto model,
        MakeModel(ModelSpec{
            "arima", {{"order", "2,1,1"}, {"seasonal_order", "0,1,1"}}}));
    ASSERT_OK_AND_ASSIGN(auto f, model->Fit({Input(c), {12}}));
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(24, kLevels));
    ExpectMatches(c, p, 0.01, true);
  }
  {
    // Arima(WWWusage, order = c(1,1,0), include.drift = TRUE).
    const std::string c = "arima_110_drift_wwwusage";
    ASSERT_OK_AND_ASSIGN(
        auto model,
        MakeModel(ModelSpec{"arima", {{"order", "1,1,0"}, {"drift", "true"}}}));
    ASSERT_OK_AND_ASSIGN(auto f, model->Fit({Input(c), {}}));
    EXPECT_NEAR(Param(*f, "ar1"), r.at(c + ".coef_ar1"),
                0.01 * std::fabs(r.at(c + ".coef_ar1")));
    EXPECT_NEAR(Param(*f, "drift"), r.at(c + ".coef_drift"),
                0.01 * std::fabs(r.at(c + ".coef_drift")));
    EXPECT_NEAR(f->summary().log_likelihood, r.at(c + ".loglik"),
                1e-3 * std::fabs(r.at(c + ".loglik")));
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(10, kLevels));
    ExpectMatches(c, p, 0.01, true);
  }
}

TEST(ArimaGoldenTest, DifferencingTestsMatchR) {
  const std::map<std::string, double> r = RParameters();
  const std::vector<double> www = Input("arima_wwwusage");
  EXPECT_NEAR(arima::KpssStatistic(www), r.at("tests_wwwusage.kpss"), 1e-9);
  std::vector<double> dwww;
  for (size_t t = 1; t < www.size(); ++t) dwww.push_back(www[t] - www[t - 1]);
  EXPECT_NEAR(arima::KpssStatistic(dwww), r.at("tests_wwwusage.kpss_diff"),
              1e-9);
  EXPECT_EQ(arima::NumberOfDifferences(www), r.at("tests_wwwusage.ndiffs"));
  const std::vector<double> huron = Input("arima_lakehuron");
  EXPECT_NEAR(arima::KpssStatistic(huron), r.at("tests_lakehuron.kpss"), 1e-9);
  EXPECT_EQ(arima::NumberOfDifferences(huron), r.at("tests_lakehuron.ndiffs"));
  // Seasonal strength: our STL evaluates loess at every point where R's
  // default skips (s.jump), hence 1e-2 rather than rounding.
  const std::vector<double> deaths = Input("arima_usaccdeaths");
  EXPECT_NEAR(arima::SeasonalStrength(deaths, 12),
              r.at("tests_usaccdeaths.seasonal_strength"), 1e-2);
  EXPECT_EQ(arima::NumberOfSeasonalDifferences(deaths, 12),
            r.at("tests_usaccdeaths.nsdiffs"));
  EXPECT_NEAR(arima::SeasonalStrength(Input("arima_nottem"), 12),
              r.at("tests_nottem.seasonal_strength"), 1e-2);
}

TEST(ArimaPolynomialTest, MaInvertReflectsRootsInsideTheCircle) {
  // 1 + 2.5 z + z^2 = (1 + 2z)(1 + 0.5z): the root -0.5 is inside; its
  // reflection gives (1 + 0.5z)^2 = 1 + z + 0.25 z^2.
  const std::vector<double> ma = arima::MaInvert(std::vector<double>{2.5, 1});
  EXPECT_NEAR(ma[0], 1, 1e-12);
  EXPECT_NEAR(ma[1], 0.25, 1e-12);
  // MA(1) with theta = 2 becomes theta = 0.5 (R's special case).
  EXPECT_NEAR(arima::MaInvert(std::vector<double>{2})[0], 0.5, 1e-15);
  // Already invertible: unchanged.
  EXPECT_EQ(arima::MaInvert(std::vector<double>{0.3, -0.2}),
            (std::vector<double>{0.3, -0.2}));
  EXPECT_TRUE(arima::ArStationary(std::vector<double>{0.5, 0.3}));
  EXPECT_FALSE(arima::ArStationary(std::vector<double>{1.2}));
}

TEST(ArimaStateSpaceTest,
     StationaryCovarianceOfAnAr1IsOneOverOneMinusPhiSquared) {
  // AR(1) as a 2-state model (r = max(p, q + 1) with an MA(1) of zero):
  // Var(y) = 1 / (1 - phi^2).
  ASSERT_OK_AND_ASSIGN(std::vector<double> q, arima::StationaryCovariance(
                                                  std::vector<double>{0.8},
                                                  std::vector<double>{0.0}, 2));
  EXPECT_NEAR(q[0], 1 / (1 - 0.64), 1e-10);
  EXPECT_FALSE(arima::StationaryCovariance(std::vector<double>{1.01},
                                           std::vector<double>{0.0}, 2)
                   .ok());
}

// Every way of finding the stationary covariance (direct solve for a few
// states, MA(infinity) weights, doubling near a unit root) must satisfy
// P = T P T' + R R'.
TEST(ArimaStateSpaceTest, StationaryCovarianceSolvesTheLyapunovEquation) {
  struct Case {
    std::vector<double> phi, theta;
  };
  std::vector<Case> cases = {
      {{0.5, -0.2}, {0.3}},                   // 3 states: direct
      {{0.6, 0, 0, 0.3, -0.18}, {0.4, 0.1}},  // 5 states: weights
      {{0.9995}, {0.2, 0.1, 0.3, 0.1, 0.2}},  // near a unit root: doubling
  };
  for (const Case& c : cases) {
    const int r = std::max<int>(c.phi.size(), c.theta.size() + 1);
    ASSERT_OK_AND_ASSIGN(std::vector<double> p,
                         arima::StationaryCovariance(c.phi, c.theta, r));
    std::vector<double> rv(r, 0.0);
    rv[0] = 1;
    for (size_t i = 0; i < c.theta.size(); ++i) rv[i + 1] = c.theta[i];
    const auto t = [&](int i, int k) {
      return (k == 0 && i < static_cast<int>(c.phi.size()) ? c.phi[i] : 0) +
             (k == i + 1 ? 1 : 0);
    };
    double worst = 0, scale = 0;
    for (int i = 0; i < r; ++i) {
      for (int j = 0; j < r; ++j) {
        double tpt = 0;
        for (int k = 0; k < r; ++k) {
          for (int l = 0; l < r; ++l) tpt += t(i, k) * p[k * r + l] * t(j, l);
        }
        worst = std::max(worst, std::fabs(tpt + rv[i] * rv[j] - p[i * r + j]));
        scale = std::max(scale, std::fabs(p[i * r + j]));
      }
    }
    EXPECT_LT(worst, 1e-9 * scale) << "phi[0] = " << c.phi[0];
    ASSERT_OK_AND_ASSIGN(std::vector<double> col,
                         arima::StationaryCovarianceColumn(c.phi, c.theta, r));
    for (int i = 0; i < r; ++i) EXPECT_NEAR(col[i], p[i * r], 1e-9 * scale);
  }
}

// The Chandrasekhar recursions the searches use must give the Riccati
// filter's likelihood.
TEST(ArimaStateSpaceTest, ChandrasekharLikelihoodEqualsTheKalmanFilters) {
  const std::vector<double> phi = {0.5, -0.3, 0, 0.4, -0.2, 0.12};
  const std::vector<double> theta = {0.3, 0, 0, -0.5, -0.15};
  std::vector<double> y;
  uint64_t state = 7;
  for (int t = 0; t < 200; ++t) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    y.push_back(static_cast<double>(state >> 11) / (1ULL << 53) - 0.5);
  }
  ASSERT_OK_AND_ASSIGN(arima::StateSpace ss,
                       arima::StateSpace::Make(phi, theta, {}));
  std::vector<double> residuals;
  const arima::StateSpace::Likelihood riccati = ss.Filter(y, &residuals);
  ASSERT_OK_AND_ASSIGN(arima::StateSpace::Likelihood fast,
                       arima::StationaryArmaLikelihood(phi, theta, y));
  EXPECT_EQ(fast.used, riccati.used);
  // The Riccati filter holds its covariance once it changes by under 1e-11
  // a step; over 200 steps that leaves a few 1e-9 in the sums.
  EXPECT_NEAR(fast.ssq, riccati.ssq, 1e-7 * riccati.ssq);
  EXPECT_NEAR(fast.sumlog, riccati.sumlog, 1e-7);
}

TEST(ArimaOptionsTest, BadOptionsAreClearErrors) {
  EXPECT_STATUS(MakeModel(ModelSpec{"arima", {{"order", "1,1"}}}),
                absl::StatusCode::kInvalidArgument,
                "model.options[\"order\"]: \"1,1\" is not 3 comma-separated "
                "integers in [0, 12]");
  EXPECT_STATUS(MakeModel(ModelSpec{"arima", {{"order", "1,3,1"}}}),
                absl::StatusCode::kInvalidArgument, "d is 3; at most 2");
  EXPECT_STATUS(MakeModel(ModelSpec{"arima", {{"order", "a,b,c"}}}),
                absl::StatusCode::kInvalidArgument, "model.options[\"order\"]");
  EXPECT_STATUS(MakeModel(ModelSpec{"arima", {{"seasonal_order", "0,1,1"}}}),
                absl::StatusCode::kInvalidArgument, "needs order as well");
  EXPECT_STATUS(MakeModel(ModelSpec{
                    "arima", {{"order", "1,1,1"}, {"stepwise", "false"}}}),
                absl::StatusCode::kInvalidArgument,
                "only for automatic selection");
  EXPECT_STATUS(MakeModel(ModelSpec{"arima", {{"drift", "maybe"}}}),
                absl::StatusCode::kInvalidArgument, "true or false");
  // Checked at fit time, where the series is known.
  std::vector<double> y;
  for (int t = 0; t < 60; ++t) y.push_back(std::sin(t * 0.5) + 0.1 * t);
  ASSERT_OK_AND_ASSIGN(
      auto seasonal,
      MakeModel(ModelSpec{"arima",
                          {{"order", "0,1,1"}, {"seasonal_order", "0,1,1"}}}));
  EXPECT_STATUS(seasonal->Fit({y, {}}), absl::StatusCode::kFailedPrecondition,
                "the series has no season length");
  ASSERT_OK_AND_ASSIGN(
      auto drift2,
      MakeModel(ModelSpec{"arima", {{"order", "0,2,1"}, {"drift", "true"}}}));
  EXPECT_STATUS(drift2->Fit({y, {}}), absl::StatusCode::kInvalidArgument,
                "a drift needs at most one difference");
  ASSERT_OK_AND_ASSIGN(auto big,
                       MakeModel(ModelSpec{"arima", {{"order", "5,1,5"}}}));
  EXPECT_STATUS(big->Fit({std::vector<double>(y.begin(), y.begin() + 10), {}}),
                absl::StatusCode::kFailedPrecondition,
                "ARIMA(5,1,5) needs at least 13 points; series has 10");
  ASSERT_OK_AND_ASSIGN(auto fixed,
                       MakeModel(ModelSpec{"arima", {{"order", "1,0,0"}}}));
  EXPECT_STATUS(fixed->Fit({std::vector<double>(30, 4.0), {}}),
                absl::StatusCode::kFailedPrecondition,
                "the series is constant");
}

TEST(ArimaModelTest, AutomaticSelectionContinuesAPolynomialExactly) {
  // A straight line: one difference leaves a constant, so the answer is
  // the line continued with no uncertainty (auto.arima's special case).
  std::vector<double> y;
  for (int t = 0; t < 40; ++t) y.push_back(3 + 2 * t);
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel("arima"));
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {}}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(3, kLevels));
  for (int h = 0; h < 3; ++h) {
    EXPECT_NEAR(p.mean[h], 3 + 2 * (40 + h), 1e-6) << f->Description();
    EXPECT_NEAR(p.intervals[1].upper[h] - p.intervals[1].lower[h], 0, 1e-6);
  }
}

}  // namespace
}  // namespace tsforecast::forecast
