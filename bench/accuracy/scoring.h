// Scores of one method on one data set, the same code for our models and
// for R's forecasts: M4's sMAPE, MASE and OWA against Naive2, interval
// coverage at 80 and 95 %, MSIS at 95 % and the time per series.
#ifndef TSFORECAST_BENCH_ACCURACY_SCORING_H_
#define TSFORECAST_BENCH_ACCURACY_SCORING_H_

#include <string>
#include <vector>

#include "bench/accuracy/data_sets.h"

namespace tsforecast::bench {

// One method's forecast of one series; `ok` false when it failed (scored
// as Naive2 and counted).
struct SeriesForecast {
  bool ok = false;
  bool finite = true;  // every mean and bound finite (checked when ok)
  std::vector<double> mean, lo80, hi80, lo95, hi95;
  double ms = 0;  // fit and predict time
};

struct Scores {
  int series = 0;
  double smape = 0, mase = 0, owa = 0;
  double coverage80 = 0, coverage95 = 0, msis = 0;
  double ms_median = 0, ms_mean = 0;
  int failed = 0;
  int nonfinite = 0;  // fits that returned NaN or infinity
};

// Scores `f` over the series i with include[i] (all when empty). `naive2`
// is the reference (and the fallback for failed fits); `scales` the MASE
// scales (NaN where a series has none: left out of MASE and MSIS).
Scores Score(const std::vector<Series>& data,
             const std::vector<SeriesForecast>& f,
             const std::vector<SeriesForecast>& naive2,
             const std::vector<double>& scales,
             const std::vector<bool>& include = {});

}  // namespace tsforecast::bench

#endif  // TSFORECAST_BENCH_ACCURACY_SCORING_H_
