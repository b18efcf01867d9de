#include "forecast/rolling_origin.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace tsforecast::forecast {

std::vector<int64_t> RollingOrigins(int64_t n, int horizon, int windows,
                                    int step, int64_t min_train) {
  std::vector<int64_t> origins;
  const int64_t last = n - horizon;
  for (int w = 0; w < windows; ++w) {
    const int64_t origin = last - static_cast<int64_t>(w) * step;
    if (origin < min_train) break;
    origins.push_back(origin);
  }
  std::reverse(origins.begin(), origins.end());
  return origins;
}

absl::StatusOr<MeanAndSpread> PredictMeanAndSpread(const FittedModel& fit,
                                                   int horizon) {
  static const double z = NormalQuantile(0.9);
  const double levels[] = {80};
  absl::StatusOr<Prediction> p = fit.Predict(horizon, levels);
  if (!p.ok()) return p.status();
  const PredictionInterval& interval80 = p->intervals[0];
  MeanAndSpread out{std::move(p->mean), std::vector<double>(horizon)};
  for (int h = 0; h < horizon; ++h) {
    out.sd[h] =
        std::max(0.0, interval80.upper[h] - interval80.lower[h]) / (2 * z);
  }
  return out;
}

absl::StatusOr<std::vector<OriginForecast>> ForecastAtOrigins(
    const Model& model, const SeriesView& series,
    absl::Span<const int64_t> origins, int horizon, Estimate estimate) {
  std::vector<OriginForecast> out;
  out.reserve(origins.size());
  std::unique_ptr<Model> frozen;
  const Model* fitter = &model;
  for (int64_t origin : origins) {
    absl::StatusOr<std::unique_ptr<FittedModel>> fitted =
        fitter->Fit({series.values.subspan(0, origin), series.season_lengths,
                     horizon, series.seasons_chosen});
    if (!fitted.ok()) {
      return Annotate(fitted.status(), absl::StrCat("origin ", origin));
    }
    if (estimate == Estimate::kOnce && frozen == nullptr) {
      frozen = (*fitted)->Refitter(FittedModel::Keep::kParameters);
      if (frozen != nullptr) fitter = frozen.get();
    }
    absl::StatusOr<MeanAndSpread> p = PredictMeanAndSpread(**fitted, horizon);
    if (!p.ok()) return Annotate(p.status(), absl::StrCat("origin ", origin));
    out.push_back({origin, std::move(p->mean), std::move(p->sd)});
  }
  return out;
}

}  // namespace tsforecast::forecast
