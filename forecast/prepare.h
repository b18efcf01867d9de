// Puts raw points on a regular calendar grid before any model sees them:
// aggregates points that share a step (last or mean for levels such as
// prices, sum for flows such as export tonnage), fills missing steps by
// linear interpolation and reports how many, and refuses a series with too
// many gaps. Then gives the future timestamps of a forecast on the same
// calendar (month starts stay month starts).
#ifndef TSFORECAST_FORECAST_PREPARE_H_
#define TSFORECAST_FORECAST_PREPARE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/calendar_step.h"

namespace tsforecast::forecast {

struct RawPoint {
  int64_t timestamp_ms = 0;
  double value = 0;
};

enum class GridAggregation { kLast, kMean, kSum };

struct GridOptions {
  CalendarStep step;
  GridAggregation aggregation = GridAggregation::kLast;
  // Largest share of the grid's steps that may be missing (and filled).
  // Default 0.2; range [0, 1].
  double max_missing_fraction = 0.2;
  // Remedies the caller offers beyond the grid's own, appended to the
  // too-many-missing error ("; or allow more with ...").
  std::string more_missing_remedies = "";
  // Largest grid accepted, steps. Default 10,000,000.
  int64_t max_steps = 10000000;
};

struct Grid {
  int64_t start_ms = 0;  // the step start of values[0]
  CalendarStep step;
  std::vector<double> values;
  size_t filled = 0;  // missing steps filled by interpolation
  std::vector<std::string> warnings;
};

// `points` in any order. FAILED_PRECONDITION when there are no points, too
// many steps are missing or the grid is too large; INVALID_ARGUMENT for
// bad options or non-finite values.
absl::StatusOr<Grid> PrepareGrid(absl::Span<const RawPoint> points,
                                 const GridOptions& options);

// The `horizon` step starts after the grid's last value.
std::vector<int64_t> FutureTimestamps(const Grid& grid, int horizon);
// The same for a grid of `n` values from `start_ms` on `step`.
std::vector<int64_t> FutureTimestamps(int64_t start_ms,
                                      const CalendarStep& step, int64_t n,
                                      int horizon);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_PREPARE_H_
