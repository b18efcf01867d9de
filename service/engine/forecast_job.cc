#include "service/engine/forecast_job.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "forecast/model.h"

namespace tsforecast::service {

std::string ForecastJob::FitKey() const {
  std::string key = absl::StrCat(series, "|", model.Canonical());
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

std::string ForecastJob::CanonicalKey() const {
  return absl::StrCat(FitKey(), "|h=", horizon,
                      "|levels=", absl::StrJoin(levels, ","));
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

absl::Status ValidateBacktestJob(const BacktestJob& job) {
  if (absl::Status s = ValidateJob(job.base); !s.ok()) return s;
  if (job.windows < 1 || job.windows > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("windows: ", job.windows, " is outside [1, 1000]"));
  }
  if (job.step < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("step: ", job.step, " is negative"));
  }
  return absl::OkStatus();
}

}  // namespace tsforecast::service
