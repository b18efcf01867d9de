// Runs a non-seasonal model on classically deseasonalised data and puts the
// season back on its forecasts, as the M4 benchmarks (Naive2, SES, Holt,
// Damped, Theta, Comb) do: when the M4 90% test finds seasonality at the
// first season length, the series is divided by multiplicative seasonal
// indices (seasonality.h) and the forecast mean and bounds are multiplied
// back. Otherwise the inner model sees the series unchanged. A caller that
// has decided on the season itself (auto) turns the test off: the series is
// then deseasonalised whenever its data allow.
#ifndef TSFORECAST_FORECAST_SEASONAL_ADJUSTMENT_H_
#define TSFORECAST_FORECAST_SEASONAL_ADJUSTMENT_H_

#include <memory>

#include "forecast/model.h"

namespace tsforecast::forecast {

class SeasonallyAdjustedModel final : public Model {
 public:
  SeasonallyAdjustedModel(std::string name, std::unique_ptr<Model> inner,
                          bool test_seasonality = true)
      : name_(std::move(name)),
        inner_(std::move(inner)),
        test_seasonality_(test_seasonality) {}
  std::string Name() const override { return name_; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::string name_;
  std::unique_ptr<Model> inner_;
  bool test_seasonality_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_SEASONAL_ADJUSTMENT_H_
