// A model is a spec, a fit, an immutable fitted object, then a prediction
// at horizon h with intervals at the levels asked for (R's forecast package
// in spirit: model(x) then forecast(object, h, level)).
#ifndef TSFORECAST_FORECAST_MODEL_H_
#define TSFORECAST_FORECAST_MODEL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "forecast/forecast_types.h"

namespace tsforecast::forecast {

// Largest horizon any model predicts.
inline constexpr int kMaxHorizon = 10000;

class Model;

// Immutable and thread-safe once built: shareable and cacheable.
class FittedModel {
 public:
  virtual ~FittedModel() = default;

  // Mean and intervals for steps 1..horizon. INVALID_ARGUMENT for a horizon
  // outside [1, kMaxHorizon] or a level outside (0, 100).
  virtual absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const = 0;
  virtual const FitSummary& summary() const = 0;
  // One line: the model and its estimated parameters, e.g.
  // "ses(alpha=0.312, l0=101.2)".
  virtual std::string Description() const = 0;
  // Estimated parameters by name (e.g. {"alpha", 0.31}); empty when none.
  virtual std::vector<std::pair<std::string, double>> Parameters() const {
    return {};
  }
  // What a client should know about this fit, e.g. how approximate
  // intervals were made; empty when nothing.
  virtual std::vector<std::string> Warnings() const { return {}; }
  // What a refit on other data (more or less of the series) keeps.
  enum class Keep {
    kStructure,   // the form or order this fit chose; parameters estimated
    kParameters,  // the parameters too: the data is only filtered
  };
  // A model that refits this fit on other data keeping `keep`, without
  // searching again (auto's rolling origins). Null when the model that
  // made this fit has nothing to keep beyond itself: refit that model.
  virtual std::unique_ptr<Model> Refitter(Keep keep) const {
    (void)keep;
    return nullptr;
  }
};

class Model {
 public:
  virtual ~Model() = default;
  // The registry name, e.g. "ses".
  virtual std::string Name() const = 0;
  // FAILED_PRECONDITION (with what is needed) when the series does not
  // suit the model; INVALID_ARGUMENT for non-finite values.
  virtual absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const = 0;
};

// Checks shared by every model: at least `min_points` values, all finite.
absl::Status CheckSeries(const SeriesView& series, size_t min_points,
                         absl::string_view model);
// Checks shared by every Predict.
absl::Status CheckPredictArgs(int horizon, absl::Span<const double> levels);

// Builds symmetric normal intervals mean +- z * sd[h] for each level.
std::vector<PredictionInterval> NormalIntervals(
    absl::Span<const double> mean, absl::Span<const double> sd,
    absl::Span<const double> levels);

// Builds symmetric Student-t intervals mean +- t(df) * sd[h] (the mean
// model's, as in R's meanf).
std::vector<PredictionInterval> StudentIntervals(
    absl::Span<const double> mean, absl::Span<const double> sd,
    absl::Span<const double> levels, double df);

// Quantile of Student's t with `df` degrees of freedom, by the
// Cornish-Fisher expansion around the normal quantile (Abramowitz and
// Stegun 26.7.5; |error| < 1e-6 for df >= 5).
double StudentTQuantile(double p, double df);

// The standard normal quantile function (Acklam's rational approximation
// refined by one Halley step; |error| < 1e-12).
double NormalQuantile(double p);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_MODEL_H_
