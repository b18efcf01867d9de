// Dynamic optimised Theta (DOTM) of Fiorucci, Pellegrini, Louzada,
// Petropoulos and Koehler, "Models for optimising the theta method and
// their relationship to state space models", IJF 32 (2016): the theta line's
// intercept A_t and slope B_t are updated with every observation and
// theta, alpha and the initial level are chosen by minimising the one-step
// mean squared error:
//   mu_t = l_{t-1} + (1 - 1/theta) [(1 - alpha)^{t-1} A_{t-1}
//                                   + (1 - (1 - alpha)^t) / alpha B_{t-1}]
//   l_t  = alpha y_t + (1 - alpha) l_{t-1}
// Forecast: l_n + (1 - 1/theta) [(1 - alpha)^n A_n
//                                + (h - 1 + (1 - (1 - alpha)^{n+1}) / alpha)
//                                B_n].
// Intervals are SES's around that path (the paper gives none); statsforecast
// mirrors the model as DynamicOptimizedTheta. Used on deseasonalised data.
#ifndef TSFORECAST_FORECAST_DYNAMIC_THETA_H_
#define TSFORECAST_FORECAST_DYNAMIC_THETA_H_

#include "forecast/model.h"

namespace tsforecast::forecast {

class DynamicThetaModel final : public Model {
 public:
  std::string Name() const override { return "dynamic_theta"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_DYNAMIC_THETA_H_
