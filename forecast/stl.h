// STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland,
// McRae and Terpenning, J. Official Statistics 6, 1990), the non-robust
// form R's stl() uses by default: two inner passes of cycle-subseries
// smoothing (loess of degree 0), a low-pass filter (moving averages of
// period, period, 3, then loess of degree 1) and trend smoothing (loess of
// degree 1). Loess is evaluated at every point (no "jump" interpolation).
#ifndef TSFORECAST_FORECAST_STL_H_
#define TSFORECAST_FORECAST_STL_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace tsforecast::forecast {

struct StlOptions {
  int period = 0;           // >= 2
  int seasonal_window = 7;  // odd, >= 3 (R: s.window)
  // 0: R's default, the next odd integer >= 1.5 period / (1 - 1.5 /
  // seasonal_window).
  int trend_window = 0;
  int inner_iterations = 2;
};

struct StlResult {
  std::vector<double> seasonal;
  std::vector<double> trend;
  std::vector<double> remainder;
};

// FAILED_PRECONDITION when the series has fewer than two periods.
absl::StatusOr<StlResult> Stl(absl::Span<const double> y,
                              const StlOptions& options);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_STL_H_
