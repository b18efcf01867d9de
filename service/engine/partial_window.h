// A forecast on a coarser step than the series' (`aggregation`) whose
// current window has begun: August's monthly average of a business-day
// price, 12 of its 21 days stored. Its first step is not forecast from the
// complete windows alone, which would ignore those 12 days, but nowcast:
// the base steps still missing are forecast at the series' own step (the
// same model, fitted on the base-step history) and aggregated with the
// stored ones. Bands aggregate the base-step bands as if their errors
// moved together (sum and average add them; last takes the last one's;
// min and max take the extremes), the cautious case for forecast errors,
// which are positively correlated across steps for any trend or random
// walk: the band cannot be too narrow, and it is narrower than the
// base-step bands for an average where the window is mostly stored.
#ifndef TSFORECAST_SERVICE_ENGINE_PARTIAL_WINDOW_H_
#define TSFORECAST_SERVICE_ENGINE_PARTIAL_WINDOW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "forecast/forecast_types.h"
#include "storage/types.h"

namespace tsforecast::service {

struct PartialWindow {
  int64_t start_ms = 0;
  storage::Aggregator aggregator = storage::Aggregator::kLast;
  // The base-step values stored in the window, oldest first.
  std::vector<double> observed;
  // Base steps after the last stored one, to the window's end (>= 1).
  int remaining = 0;
  // "12 of its 21 steps of 1bd stored".
  std::string Describe() const;
};

// Step 0 of `coarse` replaced by the window's value: `observed` combined
// with `fine` (the mean and bands of the `remaining` base steps, at the
// same levels as `coarse`).
void NowcastFirstStep(const PartialWindow& window,
                      const forecast::Prediction& fine,
                      forecast::Prediction& coarse);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_PARTIAL_WINDOW_H_
