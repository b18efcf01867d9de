// Additive-error exponential smoothing without seasonality: simple (SES),
// Holt's linear trend and Gardner's damped trend; ETS(A,N,N), ETS(A,A,N)
// and ETS(A,Ad,N) of Hyndman, Koehler, Ord and Snyder, "Forecasting with
// Exponential Smoothing" (2008), fitted by maximum likelihood over the
// smoothing parameters and initial states like R's ets(), with NLopt's
// bounded Nelder-Mead. Prediction intervals are the analytic class-1 ones:
// var_h = sigma^2 (1 + sum_{j<h} c_j^2), c_j = alpha + beta (phi + ... +
// phi^j).
//
// Where we differ from R: parameter bounds are R's "usual" region
// (0 < beta < alpha < 1, 0.8 <= phi <= 0.98), not the admissible region;
// log-likelihood is the Gaussian one, -n/2 (log(2 pi SSE/n) + 1), so AIC
// differs from R's by a constant per series (rankings agree).
// Seasonal and multiplicative members of the family are not here yet.
#ifndef TSFORECAST_FORECAST_EXPONENTIAL_SMOOTHING_H_
#define TSFORECAST_FORECAST_EXPONENTIAL_SMOOTHING_H_

#include <optional>

#include "forecast/model.h"

namespace tsforecast::forecast {

enum class TrendKind { kNone, kAdditive, kDamped };

// Parameters of a fitted (or fixed) model; beta and phi are unused without a
// trend (phi is 1 for an undamped trend).
struct SmoothingParameters {
  double alpha = 0;
  double beta = 0;
  double phi = 1;
  double level0 = 0;
  double trend0 = 0;
};

class ExponentialSmoothingModel final : public Model {
 public:
  explicit ExponentialSmoothingModel(TrendKind trend) : trend_(trend) {}
  // Skips estimation: runs the recursions with these parameters (for tests
  // against published recursions and for users who fix them).
  ExponentialSmoothingModel(TrendKind trend, SmoothingParameters fixed)
      : trend_(trend), fixed_(fixed) {}

  std::string Name() const override;
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  TrendKind trend_;
  std::optional<SmoothingParameters> fixed_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_EXPONENTIAL_SMOOTHING_H_
