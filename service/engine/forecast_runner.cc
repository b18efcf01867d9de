#include "service/engine/forecast_runner.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "forecast/seasonality.h"
#include "forecast/transform.h"
#include "service/engine/plain_words.h"
#include "storage/aggregate.h"

namespace tsforecast::service {
namespace {

std::vector<forecast::RawPoint> RawPoints(
    const std::vector<storage::Point>& points) {
  std::vector<forecast::RawPoint> raw;
  raw.reserve(points.size());
  for (const storage::Point& p : points) {
    raw.push_back({p.timestamp_ms, p.value});
  }
  return raw;
}

}  // namespace

absl::StatusOr<TrainingData> LoadTrainingData(
    storage::SeriesStore& store, const ForecastJob& job,
    const storage::SeriesDefinition& definition) {
  storage::ReadResult read;
  if (job.window.last_points) {
    TSF_ASSIGN_OR_RETURN(read,
                         store.ReadLatest(job.series, *job.window.last_points));
  } else {
    TSF_ASSIGN_OR_RETURN(
        read, store.Read(job.series,
                         job.window.range.value_or(storage::TimeRange{}), 0));
  }
  if (read.points.size() < 2) {
    return absl::FailedPreconditionError(
        absl::StrCat("series \"", job.series, "\" has ", read.points.size(),
                     " points in the training window; at least 2 are needed"));
  }
  forecast::GridOptions options;
  absl::StatusOr<CalendarStep> calendar =
      CalendarWithHolidays(definition.step, definition.holidays);
  if (!calendar.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "series \"", job.series,
        "\": its holidays cannot be resolved: ", calendar.status().message()));
  }
  options.step = *calendar;
  TrainingData data;
  data.last_timestamp_ms = read.points.back().timestamp_ms;
  data.last_value = read.points.back().value;
  std::vector<std::string> aggregation_warnings;
  // The base-step points, kept when the current coarse window has begun.
  std::vector<storage::Point> base_points;
  if (job.aggregation) {
    // Coarser business days keep the series' holidays.
    const CalendarStep coarse =
        job.aggregation->step.IsBusinessDays()
            ? job.aggregation->step.WithHolidays(calendar->holidays())
            : job.aggregation->step;
    if (coarse.NominalMs() < definition.step.NominalMs()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "aggregation.step: ", coarse.ToString(),
          " is finer than the series' step ", definition.step.ToString(),
          "; forecasts aggregate to coarser steps only"));
    }
    std::vector<storage::Point> points =
        storage::Aggregate(read.points, coarse, job.aggregation->aggregator);
    // A window the series has not finished yet (this year's partial sum)
    // would look like a fall: it is left out of the training data and
    // becomes the forecast's first step, nowcast (partial_window.h).
    const int64_t last_ts = read.points.back().timestamp_ms;
    if (!points.empty() &&
        calendar->Add(last_ts, 1) < coarse.Add(points.back().timestamp_ms, 1)) {
      PartialWindow window;
      window.start_ms = points.back().timestamp_ms;
      window.aggregator = job.aggregation->aggregator;
      for (const storage::Point& p : read.points) {
        if (p.timestamp_ms >= window.start_ms)
          window.observed.push_back(p.value);
      }
      window.remaining = static_cast<int>(
          calendar->StepsBetween(last_ts, coarse.Add(window.start_ms, 1)) - 1);
      aggregation_warnings.push_back(absl::StrCat(
          "the last ", coarse.ToString(), " window, from ",
          FormatTimestamp(window.start_ms),
          ", is not complete yet (the series ends at ",
          FormatTimestamp(last_ts), "): left out of the training data"));
      data.partial = std::move(window);
      // read.points is replaced by the windows just below.
      base_points = std::move(read.points);
      points.pop_back();
    }
    if (points.size() < 2) {
      return absl::FailedPreconditionError(
          absl::StrCat("series \"", job.series, "\" has ", points.size(),
                       " complete windows of ", coarse.ToString(),
                       " in the training window; at least 2 are needed"));
    }
    read.points = std::move(points);
    options.step = coarse;
  }
  const std::vector<forecast::RawPoint> raw = RawPoints(read.points);
  options.aggregation = definition.value_kind == storage::ValueKind::kFlow
                            ? forecast::GridAggregation::kSum
                            : forecast::GridAggregation::kLast;
  options.max_missing_fraction = job.max_missing_percent / 100;
  data.revision = read.revision;
  // The remedies only the service knows of.
  options.more_missing_remedies = absl::StrCat(
      "; or allow more with max_missing_percent in the request (now ",
      job.max_missing_percent,
      "; the server's default is set by --max_missing_percent)");
  if (options.step.unit() == StepUnit::kDay) {
    absl::StrAppend(&options.more_missing_remedies,
                    "; a price that trades on weekdays only belongs in a "
                    "business-day series (step 1bd)");
  } else if (options.step.IsBusinessDays() &&
             options.step.holidays() == nullptr) {
    absl::StrAppend(&options.more_missing_remedies,
                    "; exchange holidays stop counting as missing once the "
                    "series names its holiday_calendar");
  }
  TSF_ASSIGN_OR_RETURN(data.grid, forecast::PrepareGrid(raw, options));
  if (data.partial) {
    forecast::GridOptions fine_options = options;
    fine_options.step = *calendar;
    absl::StatusOr<forecast::Grid> fine =
        forecast::PrepareGrid(RawPoints(base_points), fine_options);
    if (fine.ok()) {
      data.fine_grid = *std::move(fine);
    } else {
      aggregation_warnings.push_back(
          absl::StrCat("the current window is forecast from complete ones "
                       "only: its stored days cannot be put on the grid: ",
                       fine.status().message()));
      data.partial.reset();
    }
  }
  switch (definition.bounds) {
    case storage::ValueBounds::kInferred:
      data.bounds = forecast::InferBounds(
          data.grid.values, definition.value_kind == storage::ValueKind::kFlow);
      break;
    case storage::ValueBounds::kUnbounded:
      data.bounds = forecast::Bounds::kUnbounded;
      break;
    case storage::ValueBounds::kNonnegative:
      data.bounds = forecast::Bounds::kNonnegative;
      break;
    case storage::ValueBounds::kPositive:
      data.bounds = forecast::Bounds::kPositive;
      break;
  }
  data.grid.warnings.insert(data.grid.warnings.begin(),
                            aggregation_warnings.begin(),
                            aggregation_warnings.end());
  SetSeasons(job, data);
  return data;
}

void SetSeasons(const ForecastJob& job, TrainingData& data) {
  data.season_lengths.clear();
  data.seasons_chosen = false;
  data.season_choice.clear();
  if (!job.season_lengths.empty()) {
    if (!(job.season_lengths.size() == 1 && job.season_lengths[0] == 1)) {
      data.season_lengths = job.season_lengths;
    }
    return;
  }
  // One season decision for every model that takes it: auto's.
  forecast::ModelSeasons seasons =
      forecast::SeasonsForModel(job.model, data.grid.values,
                                forecast::DefaultSeasonLengths(data.grid.step));
  data.season_lengths = std::move(seasons.lengths);
  data.seasons_chosen = seasons.chosen;
  data.season_choice = std::move(seasons.choice);
}

absl::StatusOr<std::unique_ptr<forecast::Model>> BuildModel(
    const ForecastJob& job, forecast::Bounds bounds) {
  TSF_ASSIGN_OR_RETURN(std::unique_ptr<forecast::Model> model,
                       forecast::MakeModel(job.model));
  switch (job.transform) {
    case TransformKind::kNone:
      break;
    case TransformKind::kLog:
      model =
          std::make_unique<forecast::TransformedModel>(std::move(model), 0.0);
      break;
    case TransformKind::kBoxCox:
      model = std::make_unique<forecast::TransformedModel>(std::move(model),
                                                           job.box_cox_lambda);
      break;
  }
  return std::unique_ptr<forecast::Model>(
      std::make_unique<forecast::BoundedModel>(std::move(model), bounds));
}

namespace {

// "monthly", "business-day", "every 3mo": the step as a person says it.
std::string StepInWords(const CalendarStep& step) {
  if (step.count() == 1) {
    switch (step.unit()) {
      case StepUnit::kSecond:
        return "per-second";
      case StepUnit::kMinute:
        return "per-minute";
      case StepUnit::kHour:
        return "hourly";
      case StepUnit::kDay:
        return "daily";
      case StepUnit::kBusinessDay:
        return "business-day";
      case StepUnit::kWeek:
        return "weekly";
      case StepUnit::kMonth:
        return "monthly";
      case StepUnit::kQuarter:
        return "quarterly";
      case StepUnit::kYear:
        return "yearly";
    }
  }
  return absl::StrCat("every-", step.ToString());
}

}  // namespace

absl::StatusOr<FittedForecast> FitForecast(
    storage::SeriesStore& store, const ForecastJob& job,
    const storage::SeriesDefinition& definition) {
  TSF_ASSIGN_OR_RETURN(TrainingData data,
                       LoadTrainingData(store, job, definition));
  TSF_ASSIGN_OR_RETURN(std::unique_ptr<forecast::Model> model,
                       BuildModel(job, data.bounds));
  // Not the job's horizon: the model validates and calibrates at the
  // step's own (see FittedForecast).
  absl::StatusOr<std::unique_ptr<forecast::FittedModel>> fitted = model->Fit(
      {data.grid.values, data.season_lengths,
       forecast::ValidationHorizon(data.grid.step), data.seasons_chosen});
  if (!fitted.ok()) {
    return Annotate(fitted.status(),
                    absl::StrCat("series \"", job.series, "\", model ",
                                 job.model.Canonical()));
  }
  FittedForecast out;
  if (data.partial) {
    // The base steps the current window still lacks, at the series' own
    // step, by the same model.
    ForecastJob fine_job = job;
    fine_job.aggregation.reset();
    fine_job.season_lengths.clear();
    TrainingData fine;
    fine.grid = std::move(data.fine_grid);
    SetSeasons(fine_job, fine);
    absl::StatusOr<std::unique_ptr<forecast::FittedModel>> fine_fit =
        absl::InternalError("not built");
    absl::StatusOr<std::unique_ptr<forecast::Model>> fine_model =
        BuildModel(fine_job, data.bounds);
    if (fine_model.ok()) {
      fine_fit = (*fine_model)
                     ->Fit({fine.grid.values, fine.season_lengths,
                            forecast::ValidationHorizon(fine.grid.step),
                            fine.seasons_chosen});
    }
    if (fine_fit.ok()) {
      out.partial = data.partial;
      out.fine_fit = std::move(*fine_fit);
    } else {
      data.grid.warnings.push_back(absl::StrCat(
          "the current window is forecast from complete ones only: ",
          job.model.Canonical(), " does not fit the ",
          fine.grid.step.ToString(), " history: ",
          (fine_model.ok() ? fine_fit.status() : fine_model.status())
              .message()));
    }
  }
  out.revision = data.revision;
  out.last_timestamp_ms = data.last_timestamp_ms;
  out.last_value = data.last_value;
  out.bounded = data.bounds != forecast::Bounds::kUnbounded;
  out.training_points = static_cast<int>(data.grid.values.size());
  out.description = (*fitted)->Description();
  if (job.model.name == "auto") {
    // auto's reason reads as a sentence about this series.
    out.description =
        absl::StrCat(StepInWords(data.grid.step), " series, ",
                     data.grid.values.size(), " points; ", out.description);
  } else if (data.seasons_chosen) {
    absl::StrAppend(&out.description,
                    "; seasons as auto chooses them: ", data.season_choice);
  }
  out.warnings = std::move(data.grid.warnings);
  for (std::string& w : (*fitted)->Warnings()) {
    out.warnings.push_back(std::move(w));
  }
  if (!(*fitted)->summary().converged) {
    out.warnings.push_back(absl::StrCat("the optimiser did not converge: ",
                                        (*fitted)->summary().message));
  }
  out.grid_shape = std::move(data.grid);
  out.grid_shape.values.clear();
  out.grid_shape.values.shrink_to_fit();
  out.fit = std::move(*fitted);
  return out;
}

absl::StatusOr<ForecastOutcome> PredictForecast(const FittedForecast& fitted,
                                                const ForecastJob& job) {
  TSF_ASSIGN_OR_RETURN(forecast::Prediction prediction,
                       fitted.fit->Predict(job.horizon, job.levels));
  for (double v : prediction.mean) {
    if (!std::isfinite(v)) {
      return absl::InternalError(absl::StrCat(
          "model ", job.model.Canonical(), " produced a non-finite forecast"));
    }
  }
  if (fitted.partial && fitted.fine_fit && !prediction.mean.empty()) {
    TSF_ASSIGN_OR_RETURN(
        forecast::Prediction fine,
        fitted.fine_fit->Predict(fitted.partial->remaining, job.levels));
    NowcastFirstStep(*fitted.partial, fine, prediction);
  }
  ForecastOutcome out;
  out.revision = fitted.revision;
  out.timestamps_ms = forecast::FutureTimestamps(
      fitted.grid_shape.start_ms, fitted.grid_shape.step,
      fitted.training_points, job.horizon);
  out.prediction = std::move(prediction);
  out.model_name = job.model.name;
  out.description = fitted.description;
  out.parameters = fitted.fit->Parameters();
  out.summary = fitted.fit->summary();
  out.training_points = fitted.training_points;
  out.warnings = fitted.warnings;
  out.last_timestamp_ms = fitted.last_timestamp_ms;
  out.last_value = fitted.last_value;
  bool calibrated = false;
  for (const auto& [name, value] : out.parameters) {
    calibrated = calibrated || name == "conformal.scores";
  }
  out.plain_summary =
      PlainSummary(fitted.last_timestamp_ms, fitted.last_value,
                   ModelSentence(job.model.name, out.parameters), job.levels,
                   calibrated, fitted.bounded);
  if (fitted.partial && fitted.fine_fit) {
    out.partly_observed_steps = 1;
    out.warnings.push_back(absl::StrCat(
        "step 1 (the window from ", FormatTimestamp(fitted.partial->start_ms),
        ") is partly observed: ", fitted.partial->Describe(),
        " base steps, those forecast and aggregated with the stored ones"));
  }
  return out;
}

}  // namespace tsforecast::service
