// Rolling-origin forecasts (Tashman 2000), the one place that fits a model
// on the data before each origin and keeps what it forecast for the points
// after it. Backtests score them; conformal intervals and `auto` learn from
// them.
#ifndef TSFORECAST_FORECAST_ROLLING_ORIGIN_H_
#define TSFORECAST_FORECAST_ROLLING_ORIGIN_H_

#include <cstdint>
#include <vector>

#include "forecast/model.h"

namespace tsforecast::forecast {

// Origins `step` apart, oldest first, the last leaving exactly `horizon`
// points after it; as many as `windows` asks for while each keeps at least
// `min_train` points before it. Empty when not even one does.
std::vector<int64_t> RollingOrigins(int64_t n, int horizon, int windows,
                                    int step, int64_t min_train);

// What a model fitted on values[0, origin) forecast for the `horizon`
// points after it, and the spread its own intervals imply.
struct OriginForecast {
  int64_t origin = 0;
  std::vector<double> mean;
  // Half the width of the model's 80% interval over z(0.9): the standard
  // deviation for normal intervals, a width scale for any other.
  std::vector<double> sd;
};

// How often ForecastAtOrigins estimates.
enum class Estimate {
  kAtEachOrigin,
  // At the first origin only: the later ones filter their data with that
  // fit's parameters (FittedModel::Refitter(kParameters); models with
  // nothing to keep are refitted). No origin sees data after it, and a
  // model costs one estimation instead of one per origin.
  kOnce,
};

// Fits `model` at each origin (the view's season lengths, `horizon` as the
// fit's horizon). Errors of the first failing fit, annotated with its
// origin.
absl::StatusOr<std::vector<OriginForecast>> ForecastAtOrigins(
    const Model& model, const SeriesView& series,
    absl::Span<const int64_t> origins, int horizon,
    Estimate estimate = Estimate::kAtEachOrigin);

// A fit's mean for steps 1..horizon and the spread its own 80% interval
// implies (see OriginForecast::sd): what conformal intervals and `auto`
// build on.
struct MeanAndSpread {
  std::vector<double> mean;
  std::vector<double> sd;
};
absl::StatusOr<MeanAndSpread> PredictMeanAndSpread(const FittedModel& fit,
                                                   int horizon);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_ROLLING_ORIGIN_H_
