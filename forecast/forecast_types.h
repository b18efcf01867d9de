// The vocabulary of the forecasting library: a series on a regular grid, a
// prediction with intervals, and the summary of a fit (Ceres-style: how the
// fit ended is reported, never thrown).
#ifndef TSFORECAST_FORECAST_FORECAST_TYPES_H_
#define TSFORECAST_FORECAST_FORECAST_TYPES_H_

#include <string>
#include <vector>

#include "absl/types/span.h"

namespace tsforecast::forecast {

// Non-owning values on a regular grid (gaps already filled), oldest first,
// with the season lengths that apply (in steps; may be fractional, e.g.
// 52.18 weeks). An empty `season_lengths` means non-seasonal.
struct SeriesView {
  absl::Span<const double> values;
  std::vector<double> season_lengths;
  // The horizon models that validate out of sample (auto, conformal
  // intervals) validate at; 0: they pick their own. The service passes the
  // step's ValidationHorizon (seasonality.h), never the horizon a client
  // asked for, so that the fit does not depend on the question.
  int horizon = 0;
  // The season lengths were chosen from this series' data by auto's rule
  // (auto/season_choice.h): models that would test for seasonality
  // themselves (M4's test in seasonal_adjustment.h) take them as they
  // are, so that every model agrees with auto on whether a series is
  // seasonal.
  bool seasons_chosen = false;
};

// Prediction interval at one level (percent, in (0, 100)).
struct PredictionInterval {
  double level = 0;
  std::vector<double> lower;
  std::vector<double> upper;
};

struct Prediction {
  std::vector<double> mean;
  std::vector<PredictionInterval> intervals;  // in the order asked for
};

// How a fit ended and what it achieved. For models without a likelihood
// `has_likelihood` is false and the information criteria are left at 0:
// check `has_likelihood` before comparing them.
struct FitSummary {
  bool converged = true;
  int iterations = 0;
  std::string message;  // e.g. "nlopt: xtol reached"
  bool has_likelihood = false;
  double log_likelihood = 0;
  double aic = 0;
  double aicc = 0;
  double bic = 0;
  double sigma2 = 0;   // one-step residual variance
  int parameters = 0;  // estimated, including initial states
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_FORECAST_TYPES_H_
