// "auto": picks one model per series among candidates by their error on a
// held-out tail (the last season, or a tenth of the series, at most a
// quarter of it), measured as MAE scaled by the in-sample naive error, then
// refits the winner on the whole series. The description says what was
// picked and the holdout scores. Candidates that fail to fit are skipped.
#ifndef TSFORECAST_FORECAST_AUTO_SELECT_H_
#define TSFORECAST_FORECAST_AUTO_SELECT_H_

#include <memory>
#include <vector>

#include "forecast/model.h"

namespace tsforecast::forecast {

class AutoModel final : public Model {
 public:
  explicit AutoModel(std::vector<std::unique_ptr<Model>> candidates)
      : candidates_(std::move(candidates)) {}
  std::string Name() const override { return "auto"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::vector<std::unique_ptr<Model>> candidates_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_AUTO_SELECT_H_
