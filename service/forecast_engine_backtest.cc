// ForecastEngine: rolling-origin backtests, on the worker pool.
#include <atomic>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "forecast/backtest.h"
#include "service/forecast_engine.h"
#include "service/forecast_runner.h"
#include "service/proto_convert.h"

namespace tsforecast::service {
namespace {

void MetricsToProto(const forecast::Metrics& m, v1::AccuracyMetrics* out) {
  out->set_mae(m.mae);
  out->set_rmse(m.rmse);
  out->set_smape(m.smape);
  out->set_mase(m.mase);
  out->set_coverage(m.coverage);
  out->set_msis(m.msis);
}

}  // namespace

absl::Status ForecastEngine::Backtest(const v1::BacktestRequest& request,
                                      v1::BacktestResponse* response,
                                      absl::Time deadline,
                                      std::function<bool()> stop) {
  // A slot among the fits; no sharing between backtests (each fills its
  // own response), so the key is unique.
  static std::atomic<uint64_t> next_key{0};
  const std::string key = absl::StrCat("backtest#", next_key.fetch_add(1));
  absl::Status status;
  FitScheduler::Result slot;
  absl::Notification finished;
  // Waits for the job whatever the deadline: it refers to this frame, and
  // it ends soon after the deadline by itself (or does not start at all).
  scheduler_.Submit(
      key, deadline,
      [&]() -> FitScheduler::Result {
        status = BacktestNow(request, response, [&] {
          return absl::Now() > deadline || (stop && stop());
        });
        return std::shared_ptr<const v1::ForecastResponse>();
      },
      [&](const FitScheduler::Result& r) {
        slot = r;
        finished.Notify();
      });
  finished.WaitForNotification();
  if (!slot.ok()) return slot.status();
  if (status.code() == absl::StatusCode::kCancelled && absl::Now() > deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat("backtest: ", status.message()));
  }
  return status;
}

absl::Status ForecastEngine::BacktestNow(const v1::BacktestRequest& request,
                                         v1::BacktestResponse* response,
                                         std::function<bool()> stop) {
  ForecastJob base;
  base.series = request.series();
  base.horizon = request.horizon();
  base.levels = {request.levels_size() > 0 ? request.levels(0) : 95.0};
  base.season_lengths.assign(request.season_lengths().begin(),
                             request.season_lengths().end());
  base.max_missing_percent = request.has_max_missing_percent()
                                 ? request.max_missing_percent()
                                 : options_.max_missing_percent;
  if (request.window().has_range()) {
    base.window.range = storage::TimeRange{request.window().range().start_ms(),
                                           request.window().range().end_ms()};
  } else if (request.window().window_case() ==
             v1::TrainingWindow::kLastPoints) {
    base.window.last_points = request.window().last_points();
  }
  TSF_RETURN_IF_ERROR(ValidateJob(base));
  TSF_ASSIGN_OR_RETURN(const forecast::BacktestMetric metric,
                       forecast::ParseBacktestMetric(request.metric()));
  TSF_ASSIGN_OR_RETURN(const TrainingData data,
                       LoadTrainingData(*store_, base));
  response->set_revision(data.revision);
  response->set_metric(std::string(forecast::BacktestMetricName(metric)));
  response->set_level(base.levels[0]);
  forecast::BacktestOptions options;
  options.horizon = request.horizon();
  options.windows = request.windows() == 0 ? 5 : request.windows();
  options.step = request.step();
  options.level = base.levels[0];
  options.stop = std::move(stop);
  std::vector<v1::ModelSpec> specs(request.models().begin(),
                                   request.models().end());
  if (specs.empty()) specs.emplace_back();  // auto
  double best = INFINITY;
  for (size_t i = 0; i < specs.size(); ++i) {
    ForecastJob job = base;
    job.model = SpecFromProto(specs[i]);
    v1::ModelBacktest* out = response->add_models();
    out->mutable_model()->set_name(job.model.name);
    out->mutable_model()->mutable_options()->insert(job.model.options.begin(),
                                                    job.model.options.end());
    absl::StatusOr<std::unique_ptr<forecast::Model>> model = BuildModel(job);
    if (!model.ok()) {
      return Annotate(model.status(), absl::StrCat("models[", i, "]"));
    }
    absl::StatusOr<forecast::BacktestResult> result = forecast::Backtest(
        **model, {data.grid.values, data.season_lengths, options.horizon},
        options);
    if (!result.ok()) {
      if (result.status().code() == absl::StatusCode::kCancelled) {
        return result.status();
      }
      // One model failing on this series does not fail the comparison.
      out->set_error(std::string(result.status().message()));
      if (result.status().code() == absl::StatusCode::kInvalidArgument) {
        return result.status();
      }
      continue;
    }
    MetricsToProto(result->overall, out->mutable_overall());
    for (const forecast::Metrics& m : result->by_horizon) {
      MetricsToProto(m, out->add_by_horizon());
    }
    response->set_windows(result->windows);
    if (const double v = forecast::MetricValue(result->overall, metric);
        v < best) {
      best = v;
      response->set_best_model(job.model.Canonical());
    }
  }
  if (response->best_model().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no model could be backtested on series \"", base.series,
                     "\": ", response->models(0).error()));
  }
  return absl::OkStatus();
}

}  // namespace tsforecast::service
