#include "forecast/vintage_errors.h"

#include <algorithm>
#include <cmath>

namespace tsforecast::forecast {

VintageErrors CompareWithActuals(absl::Span<const int64_t> timestamps,
                                 absl::Span<const double> mean,
                                 absl::Span<const ForecastBand> bands,
                                 absl::Span<const int64_t> actual_ts,
                                 absl::Span<const double> actual) {
  VintageErrors out;
  out.coverage.assign(bands.size(), 0);
  if (timestamps.empty()) return out;
  // The scale: one-step changes of the history before the first step.
  double change = 0;
  int changes = 0;
  for (size_t i = 1; i < actual_ts.size() && actual_ts[i] < timestamps[0];
       ++i) {
    change += std::abs(actual[i] - actual[i - 1]);
    ++changes;
  }
  double error = 0;
  for (size_t h = 0; h < timestamps.size(); ++h) {
    const auto it =
        std::lower_bound(actual_ts.begin(), actual_ts.end(), timestamps[h]);
    if (it == actual_ts.end() || *it != timestamps[h]) {
      ++out.pending;
      continue;
    }
    const double a = actual[it - actual_ts.begin()];
    ++out.due;
    error += std::abs(a - mean[h]);
    for (size_t b = 0; b < bands.size(); ++b) {
      out.coverage[b] += a >= bands[b].lower[h] && a <= bands[b].upper[h];
    }
  }
  if (out.due == 0) {
    out.mae = out.mase = NAN;
    for (double& c : out.coverage) c = NAN;
    return out;
  }
  out.mae = error / out.due;
  out.mase = changes > 0 && change > 0 ? out.mae / (change / changes) : NAN;
  for (double& c : out.coverage) c /= out.due;
  return out;
}

}  // namespace tsforecast::forecast
