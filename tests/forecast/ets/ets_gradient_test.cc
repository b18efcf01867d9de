#include "forecast/ets/ets_gradient.h"

#include <cmath>
#include <random>

#include "forecast/ets/ets_recursions.h"
#include "gtest/gtest.h"

namespace tsforecast::forecast::ets_internal {
namespace {

std::vector<double> Seasonal(int n, int m) {
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    y.push_back((100 + 0.8 * t) * (1 + 0.2 * std::sin(2 * M_PI * t / m)) +
                3 * std::cos(t * 1.7));
  }
  return y;
}

// A point inside the usual region for the layout: smoothing ratios in the
// middle of their ranges, states near the data's.
std::vector<double> Point(const SearchLayout& layout, const EtsParameters& base,
                          std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0.05, 0.4);
  const double unit = 1 / layout.scale;
  std::vector<double> x = {u(rng), base.level0 * (1 + 0.1 * u(rng)) * unit};
  if (HasTrend(layout.spec)) {
    x.insert(x.end(), {u(rng), (base.trend0 + u(rng)) * unit});
  }
  if (layout.spec.trend == EtsTrend::kDamped) x.push_back(0.85 + 0.1 * u(rng));
  if (HasSeason(layout.spec)) x.push_back(u(rng) / 2);
  if (layout.seasons_free) {
    for (int j = 0; j < layout.m - 1; ++j) {
      x.push_back(base.season0[j] * (1 + 0.05 * (u(rng) - 0.2)) /
                  layout.SeasonScale());
    }
  }
  return x;
}

// Every form R's ets fits: the value is the value-only objective's, and
// the gradient matches central differences of it.
TEST(EtsGradientTest, MatchesTheLikelihoodAndItsDifferences) {
  const int m = 4;
  const std::vector<double> y = Seasonal(48, m);
  std::mt19937 rng(7);
  for (const char* code :
       {"ANN", "AAN", "AAdN", "MNN", "MAN", "MAdN", "ANA", "AAA", "AAdA", "MNA",
        "MAA", "MAdA", "MNM", "MAM", "MAdM"}) {
    const EtsSpec spec = *EtsSpec::Parse(code);
    const int season = HasSeason(spec) ? m : 0;
    // States searched in units of 50, as FitEts searches in units of the
    // series' range.
    const SearchLayout layout{spec, season, HasSeason(spec), 50};
    const EtsParameters base = InitialStates(spec, y, season);
    GradientScratch scratch;
    int checked = 0;
    for (int trial = 0; trial < 5; ++trial) {
      const std::vector<double> x = Point(layout, base, rng);
      ASSERT_EQ(x.size(), layout.Size()) << code;
      std::vector<double> g(x.size());
      const double f =
          ObjectiveAndGradient(layout, base, y, x, g.data(), scratch);
      EtsParameters p;
      ASSERT_TRUE(layout.Decode(x, base, p)) << code;
      if (f >= 1e99) continue;  // outside the admissible region
      ++checked;
      EXPECT_NEAR(f,
                  -2 * LogLikelihood(RunAll(spec, p, y), y.size()) -
                      2 * y.size() * std::log(layout.scale),
                  1e-8 * std::fabs(f))
          << code;
      for (size_t k = 0; k < x.size(); ++k) {
        const double h = 1e-6 * std::max(1.0, std::fabs(x[k]));
        std::vector<double> up = x, down = x;
        up[k] += h;
        down[k] -= h;
        const double numeric =
            (ObjectiveAndGradient(layout, base, y, up, nullptr, scratch) -
             ObjectiveAndGradient(layout, base, y, down, nullptr, scratch)) /
            (2 * h);
        EXPECT_NEAR(g[k], numeric, 1e-4 * std::max(1.0, std::fabs(numeric)))
            << code << " parameter " << k << " trial " << trial;
      }
    }
    EXPECT_GE(checked, 3) << code;
  }
}

TEST(EtsGradientTest, RejectedPointsHaveNoGradient) {
  // A multiplicative model whose level starts below zero forecasts a
  // non-positive value at once.
  const std::vector<double> y = Seasonal(48, 4);
  const EtsSpec spec = *EtsSpec::Parse("MNN");
  const SearchLayout layout{spec, 0, false};
  const EtsParameters base = InitialStates(spec, y, 0);
  const std::vector<double> x = {0.3, -100};
  std::vector<double> g(x.size(), 1.0);
  GradientScratch scratch;
  EXPECT_GE(ObjectiveAndGradient(layout, base, y, x, g.data(), scratch), 1e99);
  for (double v : g) EXPECT_EQ(v, 0);
}

}  // namespace
}  // namespace tsforecast::forecast::ets_internal
