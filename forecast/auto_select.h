// "auto": one rule, chosen because it wins on the M4 benchmark
// (docs/benchmarks.md), and a fallback. A series with two or more season
// lengths backed by at least two full cycles each (hourly data with daily
// and weekly cycles, daily data with several years) gets the mean of
// seasonal naive and MSTL-style decomposition; any other series the mean of
// Theta and damped trend on deseasonalised data. When the chosen model
// cannot be fitted, the other is tried. The description says which was
// used and why.
#ifndef TSFORECAST_FORECAST_AUTO_SELECT_H_
#define TSFORECAST_FORECAST_AUTO_SELECT_H_

#include <memory>

#include "forecast/model.h"

namespace tsforecast::forecast {

class AutoModel final : public Model {
 public:
  AutoModel(std::unique_ptr<Model> multi_seasonal,
            std::unique_ptr<Model> otherwise)
      : multi_seasonal_(std::move(multi_seasonal)),
        otherwise_(std::move(otherwise)) {}
  std::string Name() const override { return "auto"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::unique_ptr<Model> multi_seasonal_;
  std::unique_ptr<Model> otherwise_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_AUTO_SELECT_H_
