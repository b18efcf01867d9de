// What a client asks the forecasting engine: a ForecastJob (or a
// BacktestJob) is built once by each adapter (gRPC, HTTP, PromQL
// forecast()) from its own request shape, validated once, and handed to
// ForecastEngine, which takes nothing else.
#ifndef TSFORECAST_SERVICE_ENGINE_FORECAST_JOB_H_
#define TSFORECAST_SERVICE_ENGINE_FORECAST_JOB_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/calendar_step.h"
#include "forecast/backtest.h"
#include "forecast/model_registry.h"
#include "storage/types.h"

namespace tsforecast::service {

// What part of the history to train on.
struct TrainingWindow {
  std::optional<int64_t> last_points;  // the last N points
  std::optional<storage::TimeRange> range;
};

enum class TransformKind { kNone, kLog, kBoxCox };

// The server's default for ForecastJob::max_missing_percent
// (--max_missing_percent).
inline constexpr double kDefaultMaxMissingPercent = 20;

struct ForecastJob {
  std::string series;
  int horizon = 0;
  forecast::ModelSpec model{"auto", {}};
  std::vector<double> levels = {80, 95};
  TrainingWindow window;
  TransformKind transform = TransformKind::kNone;
  std::optional<double> box_cox_lambda;
  // Empty: the defaults of the series' step; {1}: no seasonality.
  std::vector<double> season_lengths;
  // Largest share of the grid's steps that may be missing, percent.
  double max_missing_percent = kDefaultMaxMissingPercent;
  // Forecast on this coarser step, the series aggregated onto it first.
  struct Aggregation {
    CalendarStep step;
    storage::Aggregator aggregator = storage::Aggregator::kLast;
  };
  std::optional<Aggregation> aggregation;

  // How the answer is asked for; not part of it, so not of the key.
  // "unchanged" (no forecast) when the series is still at this revision.
  uint64_t known_revision = 0;
  // Keep the answer as a vintage of the series.
  bool save_vintage = false;

  // Everything that changes the fit: all but the horizon and the levels,
  // which are cut from it.
  std::string FitKey() const;
  // Everything that changes the answer, for cache keys.
  std::string CanonicalKey() const;
};

// What a request leaves to the server.
struct JobDefaults {
  // For a request without max_missing_percent (--max_missing_percent).
  double max_missing_percent = kDefaultMaxMissingPercent;
};

// A rolling-origin comparison of models on one series. `base` carries the
// series, horizon, window, seasons and missing-value allowance; its
// levels[0] is the level whose coverage and MSIS are scored.
struct BacktestJob {
  ForecastJob base;
  std::vector<forecast::ModelSpec> models;  // empty: auto
  int windows = 5;
  int step = 0;  // 0: one horizon
  forecast::BacktestMetric metric = forecast::BacktestMetric::kMase;
};

// INVALID_ARGUMENT for a malformed job (naming the field), NOT_FOUND for an
// unknown series, FAILED_PRECONDITION when the data does not suit the model.
absl::Status ValidateJob(const ForecastJob& job);

absl::Status ValidateBacktestJob(const BacktestJob& job);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_FORECAST_JOB_H_
