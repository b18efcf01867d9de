// Forecasts for intermittent demand (series with many zero periods, such as
// monthly export tonnage of a niche product):
//   croston: Croston (1972): simple exponential smoothing of the non-zero
//     demand sizes z and of the intervals p between them, updated only in
//     periods with demand; the forecast is z / p. As R's forecast::croston:
//     both smoothed with the same alpha (0.1 by default), each started
//     from its first value, the first interval counted from the start.
//   sba: the Syntetos-Boylan approximation (IJF 21(2), 2005), (1 - alpha /
//     2) z / p, removing the bias of the ratio.
//   tsb: Teunter, Syntetos and Babai (EJOR 214(3), 2011): the probability
//     of demand d is smoothed every period (beta), the size z in periods
//     with demand (alpha); the forecast d z, which decays while no demand
//     comes. Started from the first size and d = 1 / (first interval).
// The forecast is flat. All-zero history forecasts zero.
//
// These methods have no model and so no interval theory: the intervals
// here are normal with the root mean square of the in-sample one-step
// errors (from the first demand on), cut at zero, and the fit says so in
// its warnings.
//
// Where we differ from R and tsintermittent: parameters are fixed (options)
// rather than optimised; sba applies its correction only when the history
// has zeros, since with none the interval estimate is exactly 1 and the
// ratio it corrects has no bias (so a constant demand forecasts itself).
#ifndef TSFORECAST_FORECAST_INTERMITTENT_H_
#define TSFORECAST_FORECAST_INTERMITTENT_H_

#include <memory>
#include <string>

#include "forecast/model.h"

namespace tsforecast::forecast {

enum class IntermittentMethod { kCroston, kSba, kTsb };

class IntermittentModel final : public Model {
 public:
  // `beta` is TSB's smoothing of the demand probability (unused otherwise).
  IntermittentModel(IntermittentMethod method, double alpha, double beta)
      : method_(method), alpha_(alpha), beta_(beta) {}
  std::string Name() const override;
  // FAILED_PRECONDITION for negative values (demand cannot be negative).
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  IntermittentMethod method_;
  double alpha_, beta_;
};

// ADIDA (Nikolopoulos, Syntetos, Boylan, Petropoulos and Assimakopoulos,
// JORS 62(3), 2011): sums the series over non-overlapping buckets of
// `aggregation` periods (0: the mean interval between demands, rounded),
// counted back from the end so the last bucket is whole, forecasts the
// totals with `inner` (no seasons) and spreads each bucket's forecast
// evenly over its periods. Intervals are the inner model's divided by the
// bucket length, an approximation the fit's warnings state.
class AdidaModel final : public Model {
 public:
  AdidaModel(std::unique_ptr<Model> inner, int aggregation)
      : inner_(std::move(inner)), aggregation_(aggregation) {}
  std::string Name() const override { return "adida"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::unique_ptr<Model> inner_;
  int aggregation_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_INTERMITTENT_H_
