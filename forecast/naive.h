// The benchmark family: mean, naive (random walk), seasonal naive and drift,
// with the analytic intervals of Hyndman and Athanasopoulos, "Forecasting:
// Principles and Practice" (3rd ed.), section 5.5; R's meanf, naive, snaive
// and rwf(drift = TRUE). Residual variance is the mean squared one-step
// residual (drift: divided by n - 2 for the estimated slope), as in R's
// lagwalk.
#ifndef TSFORECAST_FORECAST_NAIVE_H_
#define TSFORECAST_FORECAST_NAIVE_H_

#include "forecast/model.h"

namespace tsforecast::forecast {

enum class NaiveKind { kMean, kNaive, kSeasonalNaive, kDrift };

class NaiveModel final : public Model {
 public:
  explicit NaiveModel(NaiveKind kind) : kind_(kind) {}
  std::string Name() const override;
  // Seasonal naive uses the first season length (rounded) and needs one full
  // season; without a season length it is naive.
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  NaiveKind kind_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_NAIVE_H_
