#include "service/forecast_runner.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "common/time_util.h"
#include "forecast/seasonality.h"
#include "forecast/transform.h"
#include "storage/aggregate.h"

namespace tsforecast::service {

std::string ForecastJob::CanonicalKey() const {
  std::string key = absl::StrCat(series, "|h=", horizon, "|", model.Canonical(),
                                 "|levels=", absl::StrJoin(levels, ","));
  if (window.last_points) absl::StrAppend(&key, "|last=", *window.last_points);
  if (window.range) {
    absl::StrAppend(&key, "|range=", window.range->start_ms, ",",
                    window.range->end_ms);
  }
  absl::StrAppend(&key, "|transform=", static_cast<int>(transform));
  if (box_cox_lambda) absl::StrAppend(&key, "|lambda=", *box_cox_lambda);
  absl::StrAppend(&key, "|seasons=", absl::StrJoin(season_lengths, ","));
  absl::StrAppend(&key, "|missing=", max_missing_percent);
  if (aggregation) {
    absl::StrAppend(&key, "|agg=", aggregation->step.ToString(), ",",
                    static_cast<int>(aggregation->aggregator));
  }
  return key;
}

absl::Status ValidateJob(const ForecastJob& job) {
  if (job.series.empty()) {
    return absl::InvalidArgumentError("series: required");
  }
  if (job.horizon < 1 || job.horizon > forecast::kMaxHorizon) {
    return absl::InvalidArgumentError(absl::StrCat("horizon: ", job.horizon,
                                                   " is outside [1, ",
                                                   forecast::kMaxHorizon, "]"));
  }
  for (size_t i = 0; i < job.levels.size(); ++i) {
    if (!(job.levels[i] > 0 && job.levels[i] < 100)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "levels[", i, "]: ", job.levels[i],
          " is outside (0, 100); give percentages such as 80 or 95"));
    }
  }
  for (size_t i = 0; i < job.season_lengths.size(); ++i) {
    const double m = job.season_lengths[i];
    if (!(m == 1 || (m >= 2 && m <= 10000))) {
      return absl::InvalidArgumentError(
          absl::StrCat("season_lengths[", i, "]: ", m,
                       " is outside [2, 10000] (or 1 for "
                       "no seasonality)"));
    }
  }
  if (job.window.last_points &&
      (*job.window.last_points < 2 || *job.window.last_points > 1000000)) {
    return absl::InvalidArgumentError(
        absl::StrCat("window.last_points: ", *job.window.last_points,
                     " is outside [2, 1000000]"));
  }
  if (!(job.max_missing_percent >= 0 && job.max_missing_percent <= 100)) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_missing_percent: ", job.max_missing_percent,
                     " is outside [0, 100]"));
  }
  if (job.box_cox_lambda &&
      !(*job.box_cox_lambda >= -1 && *job.box_cox_lambda <= 2)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "box_cox_lambda: ", *job.box_cox_lambda, " is outside [-1, 2]"));
  }
  return absl::OkStatus();
}

absl::StatusOr<TrainingData> LoadTrainingData(storage::SeriesStore& store,
                                              const ForecastJob& job) {
  TSF_ASSIGN_OR_RETURN(storage::SeriesInfo info, store.GetSeries(job.series));
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
      CalendarWithHolidays(info.definition.step, info.definition.holidays);
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
    if (coarse.NominalMs() < info.definition.step.NominalMs()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "aggregation.step: ", coarse.ToString(),
          " is finer than the series' step ", info.definition.step.ToString(),
          "; forecasts aggregate to coarser steps only"));
    }
    std::vector<storage::Point> points =
        storage::Aggregate(read.points, coarse, job.aggregation->aggregator);
    // A window the series has not finished yet (this year's partial sum)
    // would look like a fall: leave it out.
    const int64_t last_ts = read.points.back().timestamp_ms;
    if (!points.empty() && info.definition.step.Add(last_ts, 1) <
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
  options.aggregation = info.definition.value_kind == storage::ValueKind::kFlow
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
  data.grid.warnings.insert(data.grid.warnings.begin(),
                            aggregation_warnings.begin(),
                            aggregation_warnings.end());
  if (job.season_lengths.empty()) {
    data.season_lengths = forecast::DefaultSeasonLengths(options.step);
  } else if (!(job.season_lengths.size() == 1 && job.season_lengths[0] == 1)) {
    data.season_lengths = job.season_lengths;
  }
  return data;
}

absl::StatusOr<std::unique_ptr<forecast::Model>> BuildModel(
    const ForecastJob& job) {
  TSF_ASSIGN_OR_RETURN(std::unique_ptr<forecast::Model> model,
                       forecast::MakeModel(job.model));
  switch (job.transform) {
    case TransformKind::kNone:
      return model;
    case TransformKind::kLog:
      return std::unique_ptr<forecast::Model>(
          std::make_unique<forecast::TransformedModel>(std::move(model), 0.0));
    case TransformKind::kBoxCox:
      return std::unique_ptr<forecast::Model>(
          std::make_unique<forecast::TransformedModel>(std::move(model),
                                                       job.box_cox_lambda));
  }
  return model;
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

absl::StatusOr<ForecastOutcome> RunForecast(storage::SeriesStore& store,
                                            const ForecastJob& job) {
  TSF_RETURN_IF_ERROR(ValidateJob(job));
  TSF_ASSIGN_OR_RETURN(std::unique_ptr<forecast::Model> model, BuildModel(job));
  TSF_ASSIGN_OR_RETURN(TrainingData data, LoadTrainingData(store, job));
  absl::StatusOr<std::unique_ptr<forecast::FittedModel>> fitted =
      model->Fit({data.grid.values, data.season_lengths, job.horizon});
  if (!fitted.ok()) {
    return Annotate(fitted.status(),
                    absl::StrCat("series \"", job.series, "\", model ",
                                 job.model.Canonical()));
  }
  TSF_ASSIGN_OR_RETURN(forecast::Prediction prediction,
                       (*fitted)->Predict(job.horizon, job.levels));
  for (double v : prediction.mean) {
    if (!std::isfinite(v)) {
      return absl::InternalError(absl::StrCat(
          "model ", job.model.Canonical(), " produced a non-finite forecast"));
    }
  }
  ForecastOutcome out;
  out.revision = data.revision;
  out.timestamps_ms = forecast::FutureTimestamps(data.grid, job.horizon);
  out.prediction = std::move(prediction);
  out.model_name = job.model.name;
  out.description = (*fitted)->Description();
  if (job.model.name == "auto") {
    // auto's reason reads as a sentence about this series.
    out.description =
        absl::StrCat(StepInWords(data.grid.step), " series, ",
                     data.grid.values.size(), " points; ", out.description);
  }
  out.parameters = (*fitted)->Parameters();
  out.summary = (*fitted)->summary();
  out.training_points = static_cast<int>(data.grid.values.size());
  out.warnings = data.grid.warnings;
  for (std::string& w : (*fitted)->Warnings()) {
    out.warnings.push_back(std::move(w));
  }
  if (!out.summary.converged) {
    out.warnings.push_back(
        absl::StrCat("the optimiser did not converge: ", out.summary.message));
  }
  return out;
}

}  // namespace tsforecast::service
