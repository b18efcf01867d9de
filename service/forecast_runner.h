// Joins storage and the forecasting engine: reads a series' points, puts
// them on its calendar grid and fits the requested model. Used by the
// ForecastService handlers; knows no gRPC.
#ifndef TSFORECAST_SERVICE_FORECAST_RUNNER_H_
#define TSFORECAST_SERVICE_FORECAST_RUNNER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "forecast/model.h"
#include "forecast/model_registry.h"
#include "forecast/prepare.h"
#include "storage/series_store.h"

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

  // Everything that changes the answer, for cache keys.
  std::string CanonicalKey() const;
};

struct ForecastOutcome {
  uint64_t revision = 0;
  std::vector<int64_t> timestamps_ms;
  forecast::Prediction prediction;
  std::string model_name;
  std::string description;
  std::vector<std::pair<std::string, double>> parameters;
  forecast::FitSummary summary;
  int training_points = 0;
  std::vector<std::string> warnings;
};

// INVALID_ARGUMENT for a malformed job (naming the field), NOT_FOUND for an
// unknown series, FAILED_PRECONDITION when the data does not suit the model.
absl::Status ValidateJob(const ForecastJob& job);

// The grid and season lengths a job trains on, and the series revision.
struct TrainingData {
  uint64_t revision = 0;
  forecast::Grid grid;
  std::vector<double> season_lengths;
};
absl::StatusOr<TrainingData> LoadTrainingData(storage::SeriesStore& store,
                                              const ForecastJob& job);

// Builds the job's model (with its transform).
absl::StatusOr<std::unique_ptr<forecast::Model>> BuildModel(
    const ForecastJob& job);

absl::StatusOr<ForecastOutcome> RunForecast(storage::SeriesStore& store,
                                            const ForecastJob& job);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_FORECAST_RUNNER_H_
