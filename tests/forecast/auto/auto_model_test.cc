// auto: the choice follows the series' own evidence, the response says
// what was chosen, and the edge cases the issue names (constant, too short,
// horizon past what validation allows, every candidate failing) behave as
// documented.
#include "forecast/auto/auto_model.h"

#include <cmath>
#include <fstream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "forecast/auto/season_choice.h"
#include "forecast/model_registry.h"
#include "forecast/naive.h"
#include "forecast/seasonality.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

using ::testing::HasSubstr;

const double kLevels[] = {80, 95};

std::vector<double> Seasonal(int n, int seed = 3) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    y.push_back(100 + 20 * std::sin(2 * M_PI * t / 12) + noise(rng));
  }
  return y;
}

std::map<std::string, double> ParametersOf(const FittedModel& f) {
  std::map<std::string, double> p;
  for (const auto& [k, v] : f.Parameters()) p[k] = v;
  return p;
}

TEST(AutoModelTest, SaysWhatItChoseAndWhy) {
  const std::vector<double> y = Seasonal(120);
  ASSERT_OK_AND_ASSIGN(auto f, AutoModel(AutoOptions{}).Fit({y, {12}, 12}));
  const std::map<std::string, double> p = ParametersOf(*f);
  double weights = 0;
  int members = 0;
  for (const auto& [k, v] : p) {
    if (k.rfind("weight.", 0) == 0) {
      weights += v;
      ++members;
    }
  }
  EXPECT_GE(members, 1);
  EXPECT_LE(members, 4);
  EXPECT_NEAR(weights, 1, 1e-12);
  // Every candidate of the seasonal pool was scored at 3 origins.
  for (const char* c :
       {"snaive", "theta", "damped", "ets", "arima", "ets_seasonal"}) {
    EXPECT_TRUE(p.count(std::string("validation_mae.") + c)) << c;
  }
  EXPECT_EQ(p.at("validation.origins"), 3);
  EXPECT_EQ(p.at("validation.horizon"), 12);
  EXPECT_GT(p.at("conformal.scores"), 30);
  EXPECT_THAT(f->Description(), HasSubstr("seasons {12}"));
  EXPECT_THAT(f->Description(),
              HasSubstr("conformal for a positive series over 36 scores"));
  ASSERT_OK_AND_ASSIGN(Prediction pred, f->Predict(12, kLevels));
  // The season is in the forecast: a peak near t = 123 (sin at 3 of 12).
  EXPECT_GT(pred.mean[2], pred.mean[8] + 20);
}

// Two hand-made candidates: the one whose validation error is lower is
// the one used, and the scores say so.
TEST(AutoModelTest, TopOneIsTheBestAtValidation) {
  std::vector<double> y;
  for (int t = 0; t < 60; ++t) y.push_back(10 + 2.0 * t + (t % 2 ? 0.5 : -0.5));
  const auto pool = [](absl::Span<const double>, bool) {
    std::vector<Candidate> c;
    c.push_back({"mean", std::make_unique<NaiveModel>(NaiveKind::kMean)});
    c.push_back({"drift", std::make_unique<NaiveModel>(NaiveKind::kDrift)});
    return c;
  };
  ASSERT_OK_AND_ASSIGN(auto f,
                       AutoModel(AutoOptions{.top = 1}, pool).Fit({y, {}, 6}));
  EXPECT_THAT(f->Description(), HasSubstr("auto chose drift ("));
  const std::map<std::string, double> p = ParametersOf(*f);
  EXPECT_LT(p.at("validation_mae.drift"), p.at("validation_mae.mean"));
  EXPECT_EQ(p.at("weight.drift"), 1);
  EXPECT_FALSE(p.count("weight.mean"));
  // With room for both, the mean is still left out: its validation error
  // is over kDominance times drift's.
  ASSERT_OK_AND_ASSIGN(auto g,
                       AutoModel(AutoOptions{.top = 2}, pool).Fit({y, {}, 6}));
  const std::map<std::string, double> q = ParametersOf(*g);
  EXPECT_GT(q.at("validation_mae.mean"),
            kDominance * q.at("validation_mae.drift"));
  EXPECT_FALSE(q.count("weight.mean"));
  EXPECT_THAT(g->Description(), HasSubstr("within 3x the best"));
}

class FailingModel final : public Model {
 public:
  std::string Name() const override { return "failing"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView&) const override {
    return absl::FailedPreconditionError("cannot fit anything");
  }
};

TEST(AutoModelTest, EveryCandidateFailingIsAnErrorNamingEach) {
  const auto pool = [](absl::Span<const double>, bool) {
    std::vector<Candidate> c;
    c.push_back({"first", std::make_unique<FailingModel>()});
    c.push_back({"second", std::make_unique<FailingModel>()});
    return c;
  };
  const std::vector<double> y = Seasonal(40);
  absl::StatusOr<std::unique_ptr<FittedModel>> f =
      AutoModel(AutoOptions{}, pool).Fit({y, {}, 6});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(f.status().message(), HasSubstr("first: "));
  EXPECT_THAT(f.status().message(), HasSubstr("second: "));
}

TEST(AutoModelTest, ConstantSeriesGetAFlatForecastWithZeroWidth) {
  for (double level : {0.0, 42.0}) {
    const std::vector<double> y(50, level);
    ASSERT_OK_AND_ASSIGN(auto f, AutoModel(AutoOptions{}).Fit({y, {12}, 12}));
    ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(12, kLevels));
    for (int h = 0; h < 12; ++h) {
      EXPECT_EQ(p.mean[h], level);
      EXPECT_EQ(p.intervals[1].lower[h], level);
      EXPECT_EQ(p.intervals[1].upper[h], level);
    }
    EXPECT_THAT(f->Description(), HasSubstr("constant series"));
  }
}

TEST(AutoModelTest, NearlyConstantSeriesAreFinite) {
  std::vector<double> y(60, 5.0);
  for (size_t t = 0; t < y.size(); t += 7) y[t] += 1e-9;
  ASSERT_OK_AND_ASSIGN(auto f, AutoModel(AutoOptions{}).Fit({y, {12}, 12}));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(12, kLevels));
  for (int h = 0; h < 12; ++h) {
    EXPECT_NEAR(p.mean[h], 5.0, 1e-6);
    EXPECT_TRUE(std::isfinite(p.intervals[1].lower[h]));
    EXPECT_TRUE(std::isfinite(p.intervals[1].upper[h]));
  }
}

TEST(AutoModelTest, TooShortToValidateFallsBackAndSaysSo) {
  const std::vector<double> y = {3, 4, 6, 5, 7, 8, 8, 10};
  ASSERT_OK_AND_ASSIGN(auto f, AutoModel(AutoOptions{}).Fit({y, {}, 4}));
  EXPECT_THAT(f->Description(),
              HasSubstr("auto chose the mean of theta, damped"));
  ASSERT_EQ(f->Warnings().size(), 1u);
  EXPECT_THAT(f->Warnings()[0], HasSubstr("too short to validate"));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(4, kLevels));
  EXPECT_LT(p.intervals[1].lower[0], p.mean[0]);
  // The mean of two members, not their sum: near the last values.
  EXPECT_GT(p.mean[0], 8);
  EXPECT_LT(p.mean[0], 13);
  const std::map<std::string, double> w = ParametersOf(*f);
  EXPECT_DOUBLE_EQ(w.at("weight.theta") + w.at("weight.damped"), 1);
}

TEST(AutoModelTest, HorizonPastTheValidationIsStated) {
  const std::vector<double> y = Seasonal(30);
  ASSERT_OK_AND_ASSIGN(auto f, AutoModel(AutoOptions{}).Fit({y, {}, 24}));
  EXPECT_THAT(
      f->Warnings(),
      ::testing::Contains(HasSubstr("validated at horizons 1-20 of 24")));
  ASSERT_OK_AND_ASSIGN(Prediction p, f->Predict(24, kLevels));
  EXPECT_EQ(p.mean.size(), 24u);
}

TEST(AutoModelTest, ModelIntervalsComeFromTheMembersSpread) {
  const std::vector<double> y = Seasonal(120);
  ASSERT_OK_AND_ASSIGN(
      auto f, AutoModel(AutoOptions{.intervals = IntervalMethod::kModel})
                  .Fit({y, {12}, 12}));
  EXPECT_THAT(f->Description(), HasSubstr("from the members' spread"));
  EXPECT_FALSE(ParametersOf(*f).count("conformal.q95"));
}

// The copper price of the demo data trends for decades: M4's test calls it
// seasonal, the seasonal strength does not, so auto puts no yearly wiggle
// on it.
std::vector<std::string> PoolNames(std::vector<double> seasons) {
  std::vector<std::string> names;
  for (const Candidate& c : AutoCandidates(seasons, false)) {
    names.push_back(c.name);
  }
  return names;
}

// Seasonal ETS joins the pool when the shortest season is at most
// kMaxModelledSeason, and only then.
TEST(AutoCandidatesTest, SeasonalModelsForOneShortSeason) {
  EXPECT_THAT(PoolNames({12}),
              ::testing::IsSupersetOf({"snaive", "airline", "ets_seasonal"}));
  EXPECT_THAT(PoolNames({4}), ::testing::Contains("ets_seasonal"));
  EXPECT_THAT(PoolNames({}),
              ::testing::Not(::testing::Contains("ets_seasonal")));
  EXPECT_THAT(PoolNames({52}),
              ::testing::Not(::testing::Contains("ets_seasonal")));
  // Hourly: the day in ETS's states, the week left to the decomposition.
  EXPECT_THAT(PoolNames({24, 168}), ::testing::Contains("ets_seasonal"));
  EXPECT_THAT(PoolNames({168}),
              ::testing::Not(::testing::Contains("ets_seasonal")));
}

TEST(SeasonChoiceTest, ATrendingPriceIsNotSeasonal) {
  std::ifstream in(std::string(TSF_SOURCE_DIR) +
                   "/examples/metals_monthly.csv");
  ASSERT_TRUE(in);
  std::vector<double> copper;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    double v = 0;
    if (cells.size() == 3 && cells[0] == "copper_usd_t" &&
        absl::SimpleAtod(cells[2], &v)) {
      copper.push_back(v);
    }
  }
  ASSERT_GT(copper.size(), 120u);
  EXPECT_TRUE(IsSeasonal(copper, 12));
  const SeasonChoice choice = ChooseSeasons(copper, std::vector<double>{12});
  EXPECT_TRUE(choice.kept.empty()) << choice.Describe();
  ASSERT_EQ(choice.measured.size(), 1u);
  EXPECT_LT(choice.measured[0].strength, kSeasonalStrengthThreshold);
}

TEST(SeasonChoiceTest, KeepsAClearSeasonAndSkipsShortOnes) {
  const SeasonChoice choice =
      ChooseSeasons(Seasonal(120), std::vector<double>{12, 52});
  EXPECT_EQ(choice.kept, std::vector<double>{12});
  ASSERT_EQ(choice.measured.size(), 2u);
  EXPECT_GT(choice.measured[0].strength, 0.9);
  EXPECT_EQ(choice.measured[1].strength, -1);  // 120 < 3 * 52
}

TEST(AutoRegistryTest, OptionsAreChecked) {
  EXPECT_OK(MakeModel("auto(top=1,windows=5,intervals=model)").status());
  EXPECT_STATUS(MakeModel("auto(top=0)").status(),
                absl::StatusCode::kInvalidArgument, "model.options[\"top\"]");
  EXPECT_STATUS(MakeModel("ses(intervals=wide)").status(),
                absl::StatusCode::kInvalidArgument,
                "model.options[\"intervals\"]");
}

}  // namespace
}  // namespace tsforecast::forecast
