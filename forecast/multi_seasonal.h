// Multiple seasonality by decomposition, in the spirit of MSTL (Bandara,
// Hyndman and Bergmeir 2021) and R's mstl()/stlf(): each seasonal
// component (shortest period first) is estimated on the data with the other
// components removed, twice over; a non-seasonal model forecasts the
// seasonally adjusted series and each component continues its last profile.
//
// Where we differ from MSTL: components are classical (additive seasonal
// means around a centred moving average) over the most recent cycles
// rather than STL's loess, so seasonality may drift only through that
// window. Periods with fewer than two full cycles of data are skipped.
#ifndef TSFORECAST_FORECAST_MULTI_SEASONAL_H_
#define TSFORECAST_FORECAST_MULTI_SEASONAL_H_

#include <memory>

#include "forecast/model.h"

namespace tsforecast::forecast {

class MultiSeasonalModel final : public Model {
 public:
  // `inner` models the seasonally adjusted series. `recent_cycles` is how
  // many of the latest cycles of each period shape its profile (0: all).
  // `log_scale`: decompose and model log(y) when the series is positive,
  // so that seasonal swings scale with the level (the forecast is then the
  // median, exp of the log-scale mean, with exact interval bounds).
  MultiSeasonalModel(std::string name, std::unique_ptr<Model> inner,
                     int recent_cycles, bool log_scale)
      : name_(std::move(name)),
        inner_(std::move(inner)),
        recent_cycles_(recent_cycles),
        log_scale_(log_scale) {}
  std::string Name() const override { return name_; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::string name_;
  std::unique_ptr<Model> inner_;
  int recent_cycles_;
  bool log_scale_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_MULTI_SEASONAL_H_
