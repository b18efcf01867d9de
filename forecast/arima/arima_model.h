// Seasonal ARIMA, mirroring R: a given order is fitted as
// forecast::Arima / stats::arima (method "CSS-ML", arima_fit.h); without
// one, the order is chosen as forecast::auto.arima does (Hyndman and
// Khandakar, "Automatic time series forecasting: the forecast package for
// R", JSS 27(3), 2008; auto_arima.h). Forecasts and their variances come
// from the Kalman filter's state (R's predict.Arima), intervals are normal.
//
// Where we differ from R: see arima_fit.h and auto_arima.h.
#ifndef TSFORECAST_FORECAST_ARIMA_ARIMA_MODEL_H_
#define TSFORECAST_FORECAST_ARIMA_ARIMA_MODEL_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "forecast/arima/arima_fit.h"
#include "forecast/arima/auto_arima.h"
#include "forecast/model.h"

namespace tsforecast::forecast {

// What the client asked for: an order (seasonal part optional), or none
// for automatic selection with `search`.
struct ArimaRequest {
  std::optional<std::array<int, 3>> order;
  std::optional<std::array<int, 3>> seasonal_order;
  bool include_mean = true;    // R's include.mean (only when d + D = 0)
  bool include_drift = false;  // R's include.drift (needs d + D <= 1)
  // With an order: filter with these coefficients (R's layout: ar, ma,
  // sar, sma, then one per regressor) and estimate nothing.
  std::optional<std::vector<double>> fixed_coefficients;
  arima::AutoArimaOptions search;
};

class ArimaModel final : public Model {
 public:
  explicit ArimaModel(ArimaRequest request) : request_(std::move(request)) {}
  std::string Name() const override { return "arima"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  ArimaRequest request_;
};

// A fitted ARIMA as a FittedModel; `sigma2` is the innovation variance the
// intervals use (arima::ForecastVariance).
std::unique_ptr<FittedModel> MakeFittedArima(arima::ArimaFit fit, double sigma2,
                                             size_t n, std::string how_chosen);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_ARIMA_ARIMA_MODEL_H_
