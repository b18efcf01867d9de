// A saved forecast against what happened since: the steps whose actuals
// have arrived, and its errors on them so far.
#ifndef TSFORECAST_FORECAST_VINTAGE_ERRORS_H_
#define TSFORECAST_FORECAST_VINTAGE_ERRORS_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace tsforecast::forecast {

struct ForecastBand {
  double level = 0;
  std::vector<double> lower, upper;  // aligned with the forecast's steps
};

struct VintageErrors {
  int due = 0;      // forecast steps with an actual value
  int pending = 0;  // forecast steps without one yet
  double mae = 0;
  // MAE over the mean absolute one-step change of the history before the
  // forecast (in-sample naive MAE); NaN when the history has under 2
  // points or no change.
  double mase = 0;
  std::vector<double> coverage;  // per band: share of due steps inside
};

// `timestamps`, `mean` and each band's bounds describe the forecast;
// `actual_ts` / `actual` the series (ascending), its history and what came
// after. Actuals match forecast steps by exact timestamp.
VintageErrors CompareWithActuals(absl::Span<const int64_t> timestamps,
                                 absl::Span<const double> mean,
                                 absl::Span<const ForecastBand> bands,
                                 absl::Span<const int64_t> actual_ts,
                                 absl::Span<const double> actual);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_VINTAGE_ERRORS_H_
