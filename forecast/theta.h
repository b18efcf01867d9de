// The Theta method of Assimakopoulos and Nikolopoulos (2000), winner of M3,
// in the form Hyndman and Billah (2003) showed it to be: simple exponential
// smoothing with a drift of half the slope of a linear trend fitted to the
// data. Mirrors R's thetaf(): forecast = SES forecast + b/2 (h - 1 + (1 -
// (1 - alpha)^n) / alpha), intervals those of SES. Used on deseasonalised
// data (see seasonal_adjustment.h). Dynamic optimised Theta (Fiorucci et
// al. 2016) is dynamic_theta.h.
#ifndef TSFORECAST_FORECAST_THETA_H_
#define TSFORECAST_FORECAST_THETA_H_

#include "forecast/model.h"

namespace tsforecast::forecast {

class ThetaModel final : public Model {
 public:
  std::string Name() const override { return "theta"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_THETA_H_
