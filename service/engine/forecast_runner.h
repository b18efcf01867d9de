// Joins storage and the forecasting library: reads a series' points, puts
// them on its calendar grid, fits the job's model and cuts forecasts from
// the fit. Used by ForecastEngine; knows no transport.
#ifndef TSFORECAST_SERVICE_ENGINE_FORECAST_RUNNER_H_
#define TSFORECAST_SERVICE_ENGINE_FORECAST_RUNNER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "forecast/bounds.h"
#include "forecast/model.h"
#include "forecast/model_registry.h"
#include "forecast/prepare.h"
#include "service/engine/forecast_job.h"
#include "service/engine/partial_window.h"
#include "storage/series_store.h"

namespace tsforecast::service {

// A job's model fitted to its series, from which any horizon is cut: the
// fit never sees the horizon asked for, so steps 1..a of a forecast at
// horizon a equal those at any longer horizon (docs/models.md, "One
// answer per question").
struct FittedForecast {
  uint64_t revision = 0;
  // The training grid without its values: where the future steps fall.
  forecast::Grid grid_shape;
  int training_points = 0;
  std::shared_ptr<const forecast::FittedModel> fit;
  std::string description;
  std::vector<std::string> warnings;
  // A coarser-step job whose current window has begun: that window, and
  // the model fitted at the series' own step that forecasts what it lacks.
  std::optional<PartialWindow> partial;
  std::shared_ptr<const forecast::FittedModel> fine_fit;
  int64_t last_timestamp_ms = 0;
  double last_value = 0;
  bool bounded = false;  // bands kept at or above zero
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
  // 1 when step 1 is a window that has begun (partial_window.h).
  int partly_observed_steps = 0;
  // The answer in plain words (plain_words.h).
  std::string plain_summary;
  int64_t last_timestamp_ms = 0;
  double last_value = 0;
};

// The grid and season lengths a job trains on, and the series revision.
struct TrainingData {
  uint64_t revision = 0;
  forecast::Grid grid;
  std::vector<double> season_lengths;
  // The job left the seasons to the data: `season_lengths` are auto's
  // choice (forecast/auto/season_choice.h), described in `season_choice`.
  bool seasons_chosen = false;
  std::string season_choice;
  // What the forecast respects: the series' declared bounds, else what its
  // history shows (forecast/bounds.h).
  forecast::Bounds bounds = forecast::Bounds::kUnbounded;
  // The last stored point in the training window.
  int64_t last_timestamp_ms = 0;
  double last_value = 0;
  // A coarser-step job whose current window has begun: the window and the
  // base-step history to forecast what it lacks.
  std::optional<PartialWindow> partial;
  forecast::Grid fine_grid;
};
// The job's training data from the series `definition` describes (the
// caller has looked it up).
absl::StatusOr<TrainingData> LoadTrainingData(
    storage::SeriesStore& store, const ForecastJob& job,
    const storage::SeriesDefinition& definition);

// Sets `data`'s season lengths for `job`'s model: the job's own, else the
// step's for a model that has its own (ModelInfo::own_seasons), else
// auto's choice from the data.
void SetSeasons(const ForecastJob& job, TrainingData& data);

// Builds the job's model (with its transform), its forecasts kept within
// `bounds`.
absl::StatusOr<std::unique_ptr<forecast::Model>> BuildModel(
    const ForecastJob& job, forecast::Bounds bounds);

// Fits a validated job on its series.
absl::StatusOr<FittedForecast> FitForecast(
    storage::SeriesStore& store, const ForecastJob& job,
    const storage::SeriesDefinition& definition);

// The job's horizon and levels cut from `fitted`.
absl::StatusOr<ForecastOutcome> PredictForecast(const FittedForecast& fitted,
                                                const ForecastJob& job);

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_FORECAST_RUNNER_H_
