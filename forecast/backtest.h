// Rolling-origin evaluation (Tashman 2000): fit on the data up to each
// origin, forecast `horizon` steps, score against what followed. Origins
// step back from the end: the last one leaves exactly `horizon` points.
// Knows no model beyond the Model interface.
#ifndef TSFORECAST_FORECAST_BACKTEST_H_
#define TSFORECAST_FORECAST_BACKTEST_H_

#include <functional>
#include <vector>

#include "forecast/model.h"

namespace tsforecast::forecast {

struct BacktestOptions {
  int horizon = 1;    // steps ahead, [1, kMaxHorizon]
  int windows = 5;    // origins, [1, 1000]
  int step = 0;       // steps between origins; 0 means horizon
  double level = 95;  // interval level scored by coverage and MSIS
  // Season length of the MASE scale (1: naive).
  int mase_period = 1;
  // Asked before each origin's fit; when it answers true the backtest ends
  // with CANCELLED (a caller gone, a deadline passed, a server stopping).
  std::function<bool()> stop = nullptr;
};

struct Metrics {
  double mae = 0;
  double rmse = 0;
  double smape = 0;
  double mase = 0;
  double coverage = 0;  // at BacktestOptions::level
  double msis = 0;      // at BacktestOptions::level
  // At 80 % and 95 %, whatever the level: what a reader of any interval
  // wants to know.
  double coverage80 = 0;
  double coverage95 = 0;
};

struct BacktestResult {
  Metrics overall;                  // over every origin and step
  std::vector<Metrics> by_horizon;  // [h - 1], over origins
  int windows = 0;                  // origins actually scored
};

// The metrics a backtest can pick its best model by; lower is better.
enum class BacktestMetric { kMase, kMae, kRmse, kSmape, kMsis };

// "mase", "mae", "rmse", "smape", "msis"; empty means mase. INVALID_ARGUMENT
// naming `metric` and the choices otherwise.
absl::StatusOr<BacktestMetric> ParseBacktestMetric(absl::string_view name);
absl::string_view BacktestMetricName(BacktestMetric metric);
double MetricValue(const Metrics& metrics, BacktestMetric metric);

// FAILED_PRECONDITION when the series is too short for the origins asked
// for (each needs the model's minimum before it), with what is needed;
// errors of the first failing fit otherwise.
absl::StatusOr<BacktestResult> Backtest(const Model& model,
                                        const SeriesView& series,
                                        const BacktestOptions& options);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_BACKTEST_H_
