#include "service/forecast_request.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "service/proto_convert.h"

namespace tsforecast::service {
namespace {

TrainingWindow WindowFromProto(const v1::TrainingWindow& window) {
  TrainingWindow out;
  if (window.has_range()) {
    out.range =
        storage::TimeRange{window.range().start_ms(), window.range().end_ms()};
  } else if (window.window_case() == v1::TrainingWindow::kLastPoints) {
    out.last_points = window.last_points();
  }
  return out;
}

absl::StatusOr<TransformKind> TransformFromProto(v1::Transform transform) {
  switch (transform) {
    case v1::TRANSFORM_UNSPECIFIED:
    case v1::TRANSFORM_NONE:
      return TransformKind::kNone;
    case v1::TRANSFORM_LOG:
      return TransformKind::kLog;
    case v1::TRANSFORM_BOX_COX:
      return TransformKind::kBoxCox;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("transform: unknown value ", transform,
                       "; one of NONE, LOG, BOX_COX"));
  }
}

}  // namespace

absl::StatusOr<ForecastJob> ForecastJobFromProto(const v1::ForecastRequest& r,
                                                 const JobDefaults& defaults) {
  ForecastJob job;
  job.series = r.series();
  job.horizon = r.horizon();
  job.model = SpecFromProto(r.model());
  if (r.levels_size() > 0) {
    job.levels.assign(r.levels().begin(), r.levels().end());
  }
  job.window = WindowFromProto(r.window());
  TSF_ASSIGN_OR_RETURN(
      job.transform,
      TransformFromProto(static_cast<v1::Transform>(r.transform())));
  if (r.has_box_cox_lambda()) job.box_cox_lambda = r.box_cox_lambda();
  job.season_lengths.assign(r.season_lengths().begin(),
                            r.season_lengths().end());
  job.max_missing_percent = r.has_max_missing_percent()
                                ? r.max_missing_percent()
                                : defaults.max_missing_percent;
  if (r.has_aggregation()) {
    const v1::Aggregation& agg = r.aggregation();
    ForecastJob::Aggregation a;
    TSF_ASSIGN_OR_RETURN(
        a.aggregator,
        AggregatorFromProto(agg.aggregator(), "aggregation.aggregator"));
    if (!agg.has_step()) {
      return absl::InvalidArgumentError(
          "aggregation.step: required, e.g. {unit: WEEK, count: 1}");
    }
    TSF_ASSIGN_OR_RETURN(a.step, StepFromProto(agg.step(), "aggregation.step"));
    job.aggregation = a;
  }
  job.known_revision = r.known_revision();
  job.save_vintage = r.save_vintage();
  TSF_RETURN_IF_ERROR(ValidateJob(job));
  return job;
}

absl::StatusOr<BacktestJob> BacktestJobFromProto(const v1::BacktestRequest& r,
                                                 const JobDefaults& defaults) {
  BacktestJob job;
  job.base.series = r.series();
  job.base.horizon = r.horizon();
  job.base.levels = {r.levels_size() > 0 ? r.levels(0) : 95.0};
  job.base.season_lengths.assign(r.season_lengths().begin(),
                                 r.season_lengths().end());
  job.base.max_missing_percent = r.has_max_missing_percent()
                                     ? r.max_missing_percent()
                                     : defaults.max_missing_percent;
  job.base.window = WindowFromProto(r.window());
  TSF_ASSIGN_OR_RETURN(
      job.base.transform,
      TransformFromProto(static_cast<v1::Transform>(r.transform())));
  for (const v1::ModelSpec& spec : r.models()) {
    job.models.push_back(SpecFromProto(spec));
  }
  job.windows = r.windows() == 0 ? 5 : r.windows();
  job.step = r.step();
  TSF_ASSIGN_OR_RETURN(job.metric, forecast::ParseBacktestMetric(r.metric()));
  TSF_RETURN_IF_ERROR(ValidateBacktestJob(job));
  return job;
}

}  // namespace tsforecast::service
