#include <cmath>

#include "forecast/ets/ets_model.h"
#include "forecast/model_registry.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace tsforecast::forecast {
namespace {

std::vector<double> Seasonal(int n) {
  std::vector<double> y;
  for (int t = 0; t < n; ++t) {
    y.push_back((100 + t) * (1 + 0.2 * std::sin(2 * M_PI * t / 12)) +
                3 * std::cos(t * 1.7));
  }
  return y;
}

TEST(EtsSpecTest, ParsesAndPrintsRCodes) {
  for (const char* code : {"ANN", "AAN", "AAdN", "ANA", "MAM", "MAdM", "MNA"}) {
    std::optional<EtsSpec> spec = EtsSpec::Parse(code);
    ASSERT_TRUE(spec.has_value()) << code;
    EXPECT_EQ(spec->Code(), code);
  }
  for (const char* bad : {"", "XNN", "AN", "AAdd", "ANNN", "AMN"}) {
    EXPECT_FALSE(EtsSpec::Parse(bad).has_value()) << bad;
  }
  EXPECT_STATUS(MakeModel(ModelSpec{"ets", {{"model", "QQQ"}}}),
                absl::StatusCode::kInvalidArgument,
                "\"QQQ\" is not one of ANN, ANA");
}

TEST(EtsTest, AdmissibleRegionAgreesWithR) {
  // forecast:::admissible(alpha, beta, gamma, phi, m) in R 4.2 / 8.20.
  const EtsSpec aaa = *EtsSpec::Parse("AAA");
  const EtsSpec aada = *EtsSpec::Parse("AAdA");
  EXPECT_TRUE(EtsAdmissible(aaa, 0.5, 0.1, 0.4, 1, 4));
  EXPECT_FALSE(EtsAdmissible(aaa, 0.9, 0.5, 0.09, 1, 12));
  EXPECT_TRUE(EtsAdmissible(aada, 0.2, 0.05, 0.7, 0.9, 12));
  EXPECT_FALSE(EtsAdmissible(aaa, 1.9, 0.5, 0.05, 1, 4));
  EXPECT_TRUE(EtsAdmissible(aada, 0.5, 0.1, 0.45, 0.98, 12));
  EXPECT_TRUE(EtsAdmissible(aaa, 0.05, 0.01, 0.9, 1, 12));
  // No trend: the polynomial has a unit root, which R admits.
  const double a = 1e-4 + 0.2 * (0.9999 - 1e-4) / 12;
  EXPECT_TRUE(
      EtsAdmissible(*EtsSpec::Parse("ANA"), a, 0, (1 - a) * 0.05, 1, 12));
}

TEST(EtsTest, HoltWintersNamesMapToEtsMembers) {
  ASSERT_OK_AND_ASSIGN(
      auto hw, MakeModel(ModelSpec{
                   "holt_winters",
                   {{"seasonal", "multiplicative"}, {"damped", "true"}}}));
  ASSERT_OK_AND_ASSIGN(auto f, hw->Fit({Seasonal(96), {12}}));
  EXPECT_NE(f->Description().find("ets(MAdM"), std::string::npos)
      << f->Description();
  ASSERT_OK_AND_ASSIGN(auto add, MakeModel("holt_winters"));
  ASSERT_OK_AND_ASSIGN(f, add->Fit({Seasonal(96), {12}}));
  EXPECT_NE(f->Description().find("ets(AAA"), std::string::npos);
  EXPECT_STATUS(MakeModel(ModelSpec{"holt_winters", {{"seasonal", "both"}}}),
                absl::StatusCode::kInvalidArgument,
                "model.options[\"seasonal\"]: \"both\" is not one of additive, "
                "multiplicative");
}

TEST(EtsTest, SimulatedIntervalsAreDeterministicAndOrdered) {
  const std::vector<double> y = Seasonal(96);
  EtsModel mam(*EtsSpec::Parse("MAM"));
  ASSERT_OK_AND_ASSIGN(auto a, mam.Fit({y, {12}}));
  ASSERT_OK_AND_ASSIGN(auto b, mam.Fit({y, {12}}));
  const double levels[] = {80, 95};
  ASSERT_OK_AND_ASSIGN(Prediction pa, a->Predict(24, levels));
  ASSERT_OK_AND_ASSIGN(Prediction pb, b->Predict(24, levels));
  for (int h = 0; h < 24; ++h) {
    EXPECT_EQ(pa.intervals[1].lower[h], pb.intervals[1].lower[h]);
    EXPECT_LE(pa.intervals[1].lower[h], pa.intervals[0].lower[h]);
    EXPECT_LE(pa.intervals[0].lower[h], pa.mean[h]);
    EXPECT_LE(pa.mean[h], pa.intervals[0].upper[h]);
    EXPECT_LE(pa.intervals[0].upper[h], pa.intervals[1].upper[h]);
  }
}

TEST(EtsTest, AutoPicksASeasonalModelForSeasonalData) {
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel("ets"));
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({Seasonal(96), {12}}));
  const std::string d = f->Description();
  EXPECT_TRUE(d.find("A, ") != std::string::npos ||
              d.find("M, ") != std::string::npos)
      << d;
  EXPECT_NE(d.find("m=12"), std::string::npos) << d;
}

TEST(EtsTest, InputsTheModelCannotTakeAreErrors) {
  EtsModel mam(*EtsSpec::Parse("MAM"));
  std::vector<double> y = Seasonal(48);
  y[5] = -1;
  EXPECT_STATUS(mam.Fit({y, {12}}), absl::StatusCode::kFailedPrecondition,
                "needs positive values; values[5] is -1");
  EXPECT_STATUS(
      mam.Fit({Seasonal(20), {12}}), absl::StatusCode::kFailedPrecondition,
      "with season length 12 needs at least 24 points; series has 20");
  EXPECT_STATUS(mam.Fit({Seasonal(48), {}}),
                absl::StatusCode::kFailedPrecondition, "needs a season length");
  // Automatic selection still works on data with negatives: additive only.
  ASSERT_OK_AND_ASSIGN(auto model, MakeModel("ets"));
  ASSERT_OK_AND_ASSIGN(auto f, model->Fit({y, {12}}));
  EXPECT_EQ(f->Description().find("ets(M"), std::string::npos)
      << f->Description();
}

}  // namespace
}  // namespace tsforecast::forecast
