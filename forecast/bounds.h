// Forecasts of quantities that cannot fall below zero (prices, tonnages,
// counts). A model's bands are symmetric in levels, so a wide band around
// a price reaches below zero; R's forecast package leaves that to the user
// (lambda = 0), statsforecast too. Here a bounded series gets bands that
// respect its bound, with the point forecast unchanged:
//
// - Positive (every value of the history > 0, or declared so): each band
//   keeps its upper bound u and takes the lower bound m^2 / u, m the point
//   forecast; that is, the band is symmetric on the log scale around m
//   (m / (1 + r), m (1 + r) for a half-width r m). This is the band a
//   log-scale model gives when m is its median, and it equals the level
//   band to first order where the band is narrow (r small), so narrow
//   bands, and their coverage, barely move; wide ones stop short of zero
//   instead of crossing it, as the spread of a price does.
// - Non-negative (flows with zeros, or declared so): bounds and the point
//   forecast are clipped at zero, which only removes impossible values, so
//   coverage cannot fall.
// - A point forecast at or below zero for a positive series is clipped to
//   zero with its lower bounds.
//
// The rule is measured on every development set in docs/benchmarks.md.
#ifndef TSFORECAST_FORECAST_BOUNDS_H_
#define TSFORECAST_FORECAST_BOUNDS_H_

#include <memory>
#include <string>

#include "forecast/model.h"

namespace tsforecast::forecast {

enum class Bounds { kUnbounded, kNonnegative, kPositive };

// "unbounded", "nonnegative", "positive".
std::string BoundsName(Bounds bounds);

// What the history shows: kPositive when every value is > 0, kNonnegative
// when every value is >= 0 and `flow` (a flow with zeros: tonnes shipped in
// a month), else kUnbounded. A level series with zeros is left unbounded: a
// spread or a rate can be zero and then go negative.
Bounds InferBounds(absl::Span<const double> values, bool flow);

// The lower bound of a positive band whose point forecast is `mean` (> 0)
// and upper bound `upper` (> mean): mean^2 / upper, symmetric on the log
// scale. conformal.h draws and calibrates positive bands with it too.
inline double PositiveLowerBound(double mean, double upper) {
  return mean * mean / upper;
}

// Applies `bounds` to a prediction in place (see above).
void ApplyBounds(Bounds bounds, Prediction& prediction);

// Any model, its predictions bounded.
class BoundedModel final : public Model {
 public:
  BoundedModel(std::unique_ptr<Model> inner, Bounds bounds)
      : inner_(std::move(inner)), bounds_(bounds) {}
  std::string Name() const override { return inner_->Name(); }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::unique_ptr<Model> inner_;
  Bounds bounds_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_BOUNDS_H_
