#include "forecast/prepare.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tsforecast::forecast {

absl::StatusOr<Grid> PrepareGrid(absl::Span<const RawPoint> points,
                                 const GridOptions& options) {
  absl::Status s = options.step.Validate();
  if (!s.ok())
    return absl::InvalidArgumentError(absl::StrCat("step: ", s.message()));
  if (!(options.max_missing_fraction >= 0 &&
        options.max_missing_fraction < 1)) {
    return absl::InvalidArgumentError(
        "max_missing_fraction: must be in [0, 1)");
  }
  if (points.empty()) {
    return absl::FailedPreconditionError("series has no points to forecast");
  }
  std::vector<RawPoint> sorted(points.begin(), points.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const RawPoint& a, const RawPoint& b) {
                     return a.timestamp_ms < b.timestamp_ms;
                   });
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (!std::isfinite(sorted[i].value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("points[", i, "]: not a finite number"));
    }
  }
  const CalendarStep& step = options.step;
  Grid grid;
  grid.step = step;
  grid.start_ms = step.AlignDown(sorted.front().timestamp_ms);
  const int64_t steps =
      step.StepsBetween(grid.start_ms, sorted.back().timestamp_ms) + 1;
  if (steps > options.max_steps) {
    return absl::FailedPreconditionError(
        absl::StrCat("the points span ", steps, " steps of ", step.ToString(),
                     "; at most ", options.max_steps,
                     " fit a forecast: use a longer step or a shorter window"));
  }
  grid.values.assign(steps, NAN);
  std::vector<int> count(steps, 0);
  for (const RawPoint& p : sorted) {
    const int64_t i = step.StepsBetween(grid.start_ms, p.timestamp_ms);
    double& v = grid.values[i];
    switch (options.aggregation) {
      case GridAggregation::kLast:
        v = p.value;
        break;
      case GridAggregation::kMean:
        v = count[i] == 0 ? p.value : v + (p.value - v) / (count[i] + 1);
        break;
      case GridAggregation::kSum:
        v = count[i] == 0 ? p.value : v + p.value;
        break;
    }
    ++count[i];
  }
  size_t missing = 0;
  for (double v : grid.values) missing += std::isnan(v);
  if (missing > options.max_missing_fraction * steps) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%d of %d steps of %s are missing (%.0f%%); at most %.0f%% can be "
        "filled: aggregate to a longer step or pick a window with fewer "
        "gaps%s",
        missing, steps, step.ToString(), 100.0 * missing / steps,
        100 * options.max_missing_fraction, options.more_missing_remedies));
  }
  // Linear interpolation between the known neighbours (the first and last
  // steps always hold points).
  for (size_t i = 0; i < grid.values.size();) {
    if (!std::isnan(grid.values[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (std::isnan(grid.values[j])) ++j;
    const double a = grid.values[i - 1], b = grid.values[j];
    for (size_t k = i; k < j; ++k) {
      grid.values[k] =
          a + (b - a) * static_cast<double>(k - i + 1) / (j - i + 1);
    }
    i = j;
  }
  grid.filled = missing;
  if (missing > 0) {
    grid.warnings.push_back(absl::StrCat("filled ", missing, " missing step",
                                         missing == 1 ? "" : "s",
                                         " by linear interpolation"));
  }
  return grid;
}

std::vector<int64_t> FutureTimestamps(const Grid& grid, int horizon) {
  return FutureTimestamps(grid.start_ms, grid.step,
                          static_cast<int64_t>(grid.values.size()), horizon);
}

std::vector<int64_t> FutureTimestamps(int64_t start_ms,
                                      const CalendarStep& step, int64_t n,
                                      int horizon) {
  std::vector<int64_t> out;
  for (int h = 1; h <= horizon; ++h)
    out.push_back(step.Add(start_ms, n - 1 + h));
  return out;
}

}  // namespace tsforecast::forecast
