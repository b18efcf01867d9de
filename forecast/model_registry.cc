#include "forecast/model_registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "forecast/auto_select.h"
#include "forecast/combination.h"
#include "forecast/exponential_smoothing.h"
#include "forecast/multi_seasonal.h"
#include "forecast/naive.h"
#include "forecast/seasonal_adjustment.h"
#include "forecast/theta.h"

namespace tsforecast::forecast {
namespace {

std::unique_ptr<Model> Adjusted(const std::string& name,
                                std::unique_ptr<Model> inner) {
  return std::make_unique<SeasonallyAdjustedModel>(name, std::move(inner));
}

std::unique_ptr<Model> Comb() {
  std::vector<std::unique_ptr<Model>> members;
  members.push_back(
      std::make_unique<ExponentialSmoothingModel>(TrendKind::kNone));
  members.push_back(
      std::make_unique<ExponentialSmoothingModel>(TrendKind::kAdditive));
  members.push_back(
      std::make_unique<ExponentialSmoothingModel>(TrendKind::kDamped));
  return Adjusted(
      "comb", std::make_unique<CombinationModel>("comb", std::move(members)));
}

std::unique_ptr<Model> Combination(const std::string& name,
                                   std::vector<const char*> members) {
  std::vector<std::unique_ptr<Model>> models;
  for (const char* m : members) models.push_back(*MakeModel(m));
  return std::make_unique<CombinationModel>(name, std::move(models));
}

}  // namespace

const std::vector<ModelInfo>& ListModels() {
  static const auto* models = new std::vector<ModelInfo>{
      {"mean", "the historical mean"},
      {"naive", "the last value (random walk)"},
      {"snaive", "the value one season earlier"},
      {"drift", "the last value plus the average historical change"},
      {"naive2", "naive on seasonally adjusted data (M4 benchmark)"},
      {"ses", "simple exponential smoothing, ETS(A,N,N), deseasonalised"},
      {"holt", "Holt's linear trend, ETS(A,A,N), deseasonalised"},
      {"damped", "damped trend, ETS(A,Ad,N), deseasonalised"},
      {"theta", "Theta method (SES with drift), deseasonalised"},
      {"comb", "mean of ses, holt and damped (M4 benchmark)"},
      {"mstl", "SES on data without its seasonal components (all lengths)"},
      {"auto",
       "multiple seasonality: mean of snaive and mstl; otherwise mean of "
       "theta and damped (what wins on M4)"},
  };
  return *models;
}

absl::StatusOr<std::unique_ptr<Model>> MakeModel(absl::string_view name) {
  if (name == "mean") return std::make_unique<NaiveModel>(NaiveKind::kMean);
  if (name == "naive") return std::make_unique<NaiveModel>(NaiveKind::kNaive);
  if (name == "snaive") {
    return std::make_unique<NaiveModel>(NaiveKind::kSeasonalNaive);
  }
  if (name == "drift") return std::make_unique<NaiveModel>(NaiveKind::kDrift);
  if (name == "naive2") {
    return Adjusted("naive2", std::make_unique<NaiveModel>(NaiveKind::kNaive));
  }
  if (name == "ses") {
    return Adjusted(
        "ses", std::make_unique<ExponentialSmoothingModel>(TrendKind::kNone));
  }
  if (name == "holt") {
    return Adjusted("holt", std::make_unique<ExponentialSmoothingModel>(
                                TrendKind::kAdditive));
  }
  if (name == "damped") {
    return Adjusted("damped", std::make_unique<ExponentialSmoothingModel>(
                                  TrendKind::kDamped));
  }
  if (name == "theta") {
    return Adjusted("theta", std::make_unique<ThetaModel>());
  }
  if (name == "comb") return Comb();
  if (name == "mstl") {
    // Additive components from the latest four cycles, SES on the rest: the
    // best of the variants measured on M4 Hourly (docs/benchmarks.md).
    return std::make_unique<MultiSeasonalModel>(
        "mstl", std::make_unique<ExponentialSmoothingModel>(TrendKind::kNone),
        4, false);
  }
  if (name == "auto") {
    return std::make_unique<AutoModel>(
        Combination("snaive+mstl", {"snaive", "mstl"}),
        Combination("theta+damped", {"theta", "damped"}));
  }
  std::vector<std::string> names;
  for (const ModelInfo& m : ListModels()) names.push_back(m.name);
  return absl::InvalidArgumentError(
      absl::StrCat("model: unknown model \"", name,
                   "\"; known: ", absl::StrJoin(names, ", ")));
}

}  // namespace tsforecast::forecast
