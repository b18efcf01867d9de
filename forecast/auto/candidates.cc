#include "forecast/auto/candidates.h"

#include <algorithm>
#include <functional>

#include "forecast/arima/arima_model.h"
#include "forecast/ets/ets_model.h"
#include "forecast/intermittent.h"
#include "forecast/multi_seasonal.h"
#include "forecast/naive.h"
#include "forecast/seasonal_adjustment.h"
#include "forecast/theta.h"

namespace tsforecast::forecast {

DeseasonalisedModel::DeseasonalisedModel(std::string name,
                                         std::unique_ptr<Model> for_classical,
                                         std::unique_ptr<Model> for_mstl)
    : name_(std::move(name)),
      classical_(std::make_unique<SeasonallyAdjustedModel>(
          name_, std::move(for_classical), /*test_seasonality=*/false)),
      mstl_(std::make_unique<MultiSeasonalModel>(name_, std::move(for_mstl))) {}

absl::StatusOr<std::unique_ptr<FittedModel>> DeseasonalisedModel::Fit(
    const SeriesView& series) const {
  const bool positive = std::all_of(series.values.begin(), series.values.end(),
                                    [](double v) { return v > 0; });
  if (series.season_lengths.size() <= 1 && positive) {
    return classical_->Fit(series);
  }
  return mstl_->Fit(series);
}

bool IsIntermittent(absl::Span<const double> values) {
  size_t zeros = 0;
  for (double v : values) {
    if (v < 0) return false;
    zeros += v == 0;
  }
  return !values.empty() && zeros >= 0.3 * static_cast<double>(values.size());
}

std::vector<Candidate> AutoCandidates(absl::Span<const double> seasons,
                                      bool intermittent) {
  const bool seasonal = !seasons.empty();
  std::vector<Candidate> pool;
  pool.push_back(
      {seasonal ? "snaive" : "naive",
       std::make_unique<NaiveModel>(seasonal ? NaiveKind::kSeasonalNaive
                                             : NaiveKind::kNaive)});
  const auto add = [&](const std::string& name,
                       const std::function<std::unique_ptr<Model>()>& make) {
    pool.push_back(
        {name, std::make_unique<DeseasonalisedModel>(name, make(), make())});
  };
  add("theta", [] { return std::make_unique<ThetaModel>(); });
  add("damped", [] {
    return std::make_unique<EtsModel>(
        EtsSpec{EtsError::kAdditive, EtsTrend::kDamped, EtsSeason::kNone},
        "damped");
  });
  add("ets", [] { return std::make_unique<AutoEtsModel>(); });
  add("arima", [] { return std::make_unique<ArimaModel>(ArimaRequest{}); });
  if (seasonal) {
    ArimaRequest airline;
    airline.order = {0, 1, 1};
    airline.seasonal_order = {0, 1, 1};
    pool.push_back({"airline", std::make_unique<ArimaModel>(airline)});
  }
  if (!seasons.empty() && seasons[0] <= kMaxModelledSeason) {
    // The positive-only forms drop out by themselves on other data.
    std::vector<EtsSpec> forms;
    for (const char* code : {"ANA", "AAdA", "MNM", "MAdM"}) {
      forms.push_back(*EtsSpec::Parse(code));
    }
    pool.push_back({"ets_seasonal", std::make_unique<AutoEtsModel>(
                                        std::move(forms), "ets_seasonal")});
  }
  if (intermittent) {
    pool.push_back({"sba", std::make_unique<IntermittentModel>(
                               IntermittentMethod::kSba, 0.1, 0)});
    pool.push_back({"tsb", std::make_unique<IntermittentModel>(
                               IntermittentMethod::kTsb, 0.1, 0.1)});
  }
  return pool;
}

}  // namespace tsforecast::forecast
