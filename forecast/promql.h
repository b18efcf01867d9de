// The two forecasting functions of PromQL, for users coming from
// Prometheus, named for what they compute:
//   predict_linear: ordinary least squares line through the window,
//     extended h steps (PromQL's predict_linear(v[range], t) on a regular
//     grid); intervals are the OLS prediction intervals.
//   double_exponential_smoothing: PromQL's double_exponential_smoothing(v,
//     sf, tf) (formerly holt_winters): s0 = y0, b0 = y1 - y0, then
//     s = sf y + (1 - sf)(s + b), b = tf (s - s_prev) + (1 - tf) b; PromQL
//     returns s, we forecast s + h b. Smoothing factors are options, not
//     estimated, as in PromQL; intervals as for Holt's method with
//     alpha = sf and beta = sf * tf.
#ifndef TSFORECAST_FORECAST_PROMQL_H_
#define TSFORECAST_FORECAST_PROMQL_H_

#include "forecast/model.h"

namespace tsforecast::forecast {

class PredictLinearModel final : public Model {
 public:
  std::string Name() const override { return "predict_linear"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;
};

class DoubleExponentialSmoothingModel final : public Model {
 public:
  // Both factors in (0, 1); checked by the registry.
  DoubleExponentialSmoothingModel(double smoothing_factor, double trend_factor)
      : sf_(smoothing_factor), tf_(trend_factor) {}
  std::string Name() const override { return "double_exponential_smoothing"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  double sf_;
  double tf_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_PROMQL_H_
