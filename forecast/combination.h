// Equal-weight combination of fitted models: the mean of their forecasts
// and of their interval bounds. M4's "Comb" benchmark is the combination of
// SES, Holt and damped trend on deseasonalised data (Makridakis et al.
// 2020). Averaging bounds is an approximation (it ignores the correlation of
// the members' errors) that keeps intervals ordered.
#ifndef TSFORECAST_FORECAST_COMBINATION_H_
#define TSFORECAST_FORECAST_COMBINATION_H_

#include <memory>
#include <vector>

#include "forecast/model.h"

namespace tsforecast::forecast {

class CombinationModel final : public Model {
 public:
  CombinationModel(std::string name,
                   std::vector<std::unique_ptr<Model>> members)
      : name_(std::move(name)), members_(std::move(members)) {}
  std::string Name() const override { return name_; }
  // Members that fail to fit are left out (and named in the description);
  // fails only when all do.
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::string name_;
  std::vector<std::unique_ptr<Model>> members_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_COMBINATION_H_
