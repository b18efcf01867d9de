// Multiple seasonality by MSTL (Bandara, Hyndman and Bergmeir 2021; R's
// mstl() and stlf()): for each season length, shortest first, STL (stl.h)
// extracts its component from the data with the other components removed,
// twice over, with seasonal windows 11, 15, 19, ... as R's mstl uses. A
// non-seasonal model forecasts the seasonally adjusted series and each
// component repeats its last cycle. Season lengths without two full cycles
// of data are skipped.
#ifndef TSFORECAST_FORECAST_MULTI_SEASONAL_H_
#define TSFORECAST_FORECAST_MULTI_SEASONAL_H_

#include <memory>

#include "forecast/model.h"

namespace tsforecast::forecast {

class MultiSeasonalModel final : public Model {
 public:
  // `inner` models the seasonally adjusted series.
  MultiSeasonalModel(std::string name, std::unique_ptr<Model> inner)
      : name_(std::move(name)), inner_(std::move(inner)) {}
  std::string Name() const override { return name_; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::string name_;
  std::unique_ptr<Model> inner_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_MULTI_SEASONAL_H_
