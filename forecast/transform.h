// Variance-stabilising transforms for positive series such as prices: the
// natural log, and Box-Cox with lambda given or chosen by Guerrero's (1993)
// method as R's BoxCox.lambda(method = "guerrero") does: the lambda in
// [-1, 2] that makes sd / mean^(1 - lambda) most constant across
// consecutive subseries (of a season's length, or 2 points without
// seasons). The model runs on the transformed series; its forecast mean
// and bounds are transformed back (so the mean becomes the median, as R
// does without bias adjustment).
#ifndef TSFORECAST_FORECAST_TRANSFORM_H_
#define TSFORECAST_FORECAST_TRANSFORM_H_

#include <memory>
#include <optional>

#include "forecast/model.h"

namespace tsforecast::forecast {

// Box-Cox of x (> 0): log(x) for lambda 0, (x^lambda - 1) / lambda else.
double BoxCox(double x, double lambda);
// Its inverse; NaN where the transformed value is outside the image.
double InverseBoxCox(double y, double lambda);
// Guerrero's lambda for positive `values` with subseries of `period` points.
double GuerreroLambda(absl::Span<const double> values, int period);

class TransformedModel final : public Model {
 public:
  // `lambda` unset: Guerrero's choice at fit time. 0 is the log.
  TransformedModel(std::unique_ptr<Model> inner, std::optional<double> lambda)
      : inner_(std::move(inner)), lambda_(lambda) {}
  std::string Name() const override { return inner_->Name(); }
  // FAILED_PRECONDITION when the series is not strictly positive.
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::unique_ptr<Model> inner_;
  std::optional<double> lambda_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_TRANSFORM_H_
