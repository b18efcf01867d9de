#include "service/engine/forecast_runner.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "forecast/auto/season_choice.h"
#include "forecast/seasonality.h"
#include "forecast/transform.h"
#include "storage/aggregate.h"

namespace tsforecast::service {

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
  std::vector<std::string> aggregation_warnings;
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
    // would look like a fall: leave it out.
    const int64_t last_ts = read.points.back().timestamp_ms;
    if (!points.empty() && definition.step.Add(last_ts, 1) <
                               coarse.Add(points.back().timestamp_ms, 1)) {
      aggregation_warnings.push_back(
          absl::StrCat("the last ", coarse.ToString(), " window, from ",
                       FormatTimestamp(points.back().timestamp_ms),
                       ", is not complete yet (the series ends at ",
                       FormatTimestamp(last_ts), "): left out"));
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
  std::vector<forecast::RawPoint> raw;
  raw.reserve(read.points.size());
  for (const storage::Point& p : read.points) {
    raw.push_back({p.timestamp_ms, p.value});
  }
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
  std::vector<double> defaults = forecast::DefaultSeasonLengths(data.grid.step);
  if (!forecast::TakesChosenSeasons(job.model)) {
    data.season_lengths = std::move(defaults);
    return;
  }
  // One season decision for every model: auto's, from the data.
  const forecast::SeasonChoice choice =
      forecast::ChooseSeasons(data.grid.values, defaults);
  data.season_lengths = choice.kept;
  data.seasons_chosen = true;
  data.season_choice = choice.Describe();
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
  out.revision = data.revision;
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
  return out;
}

}  // namespace tsforecast::service
