// ForecastEngine: rolling-origin backtests, on the worker pool.
#include <atomic>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "forecast/backtest.h"
#include "forecast/seasonality.h"
#include "service/engine/forecast_engine.h"
#include "service/engine/forecast_runner.h"

namespace tsforecast::service {
namespace {

// A model whose 95 % intervals cover less than this share of the actuals
// is recommended only when none does better, and then with a warning.
constexpr double kMinRecommendedCoverage95 = 0.85;

void MetricsToProto(const forecast::Metrics& m, v1::AccuracyMetrics* out) {
  out->set_mae(m.mae);
  out->set_rmse(m.rmse);
  out->set_smape(m.smape);
  out->set_mase(m.mase);
  out->set_coverage(m.coverage);
  out->set_msis(m.msis);
  out->set_coverage_80(m.coverage80);
  out->set_coverage_95(m.coverage95);
}

}  // namespace

absl::Status ForecastEngine::Backtest(const BacktestJob& job,
                                      v1::BacktestResponse* response,
                                      absl::Time deadline,
                                      std::function<bool()> stop) {
  // A slot among the fits; no sharing between backtests (each fills its
  // own response), so the key is unique.
  static std::atomic<uint64_t> next_key{0};
  const std::string key = absl::StrCat("backtest#", next_key.fetch_add(1));
  absl::Status status;
  FitScheduler<FittedForecast>::Result slot;
  absl::Notification finished;
  // Waits for the job whatever the deadline: it refers to this frame, and
  // it ends soon after the deadline by itself (or does not start at all).
  scheduler_.Submit(
      key, deadline,
      [&]() -> FitScheduler<FittedForecast>::Result {
        status = BacktestNow(job, response, [&] {
          return absl::Now() > deadline || (stop && stop());
        });
        return nullptr;
      },
      [&](const FitScheduler<FittedForecast>::Result& r) {
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

absl::Status ForecastEngine::BacktestNow(const BacktestJob& job,
                                         v1::BacktestResponse* response,
                                         std::function<bool()> stop) {
  const ForecastJob& base = job.base;
  const forecast::BacktestMetric metric = job.metric;
  TSF_ASSIGN_OR_RETURN(const storage::SeriesInfo info,
                       store_->GetSeries(base.series));
  TSF_ASSIGN_OR_RETURN(TrainingData data,
                       LoadTrainingData(*store_, base, info.definition));
  response->set_revision(data.revision);
  response->set_metric(std::string(forecast::BacktestMetricName(metric)));
  response->set_level(base.levels[0]);
  forecast::BacktestOptions options;
  options.horizon = base.horizon;
  options.windows = job.windows;
  options.step = job.step;
  options.level = base.levels[0];
  options.stop = std::move(stop);
  std::vector<forecast::ModelSpec> specs = job.models;
  if (specs.empty()) specs.push_back({"auto", {}});
  double best = INFINITY, best_any = INFINITY;
  std::string best_any_name;
  for (size_t i = 0; i < specs.size(); ++i) {
    ForecastJob one = base;
    one.model = specs[i];
    SetSeasons(one, data);
    v1::ModelBacktest* out = response->add_models();
    out->mutable_model()->set_name(one.model.name);
    out->mutable_model()->mutable_options()->insert(one.model.options.begin(),
                                                    one.model.options.end());
    absl::StatusOr<std::unique_ptr<forecast::Model>> model =
        BuildModel(one, data.bounds);
    if (!model.ok()) {
      return Annotate(model.status(), absl::StrCat("models[", i, "]"));
    }
    absl::StatusOr<forecast::BacktestResult> result = forecast::Backtest(
        **model,
        {data.grid.values, data.season_lengths,
         forecast::ValidationHorizon(data.grid.step), data.seasons_chosen},
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
    const double v = forecast::MetricValue(result->overall, metric);
    const bool adequate =
        result->overall.coverage95 >= kMinRecommendedCoverage95;
    if (!adequate) {
      out->set_warning(absl::StrFormat(
          "its 95%% intervals covered %.0f%% of the actuals (under %.0f%%): "
          "too narrow on this series",
          100 * result->overall.coverage95, 100 * kMinRecommendedCoverage95));
    }
    if (v < best_any) {
      best_any = v;
      best_any_name = one.model.Canonical();
    }
    if (adequate && v < best) {
      best = v;
      response->set_best_model(one.model.Canonical());
    }
  }
  if (best_any_name.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no model could be backtested on series \"", base.series,
                     "\": ", response->models(0).error()));
  }
  if (response->best_model().empty()) {
    response->set_best_model(best_any_name);
    response->add_warnings(absl::StrCat(
        "no model's 95% intervals covered 85% of the actuals; ", best_any_name,
        " has the lowest ", forecast::BacktestMetricName(metric),
        " but its intervals are too narrow here"));
  } else if (response->best_model() != best_any_name) {
    response->add_warnings(absl::StrCat(
        best_any_name, " has a lower ", forecast::BacktestMetricName(metric),
        " but its 95% intervals covered under 85% of the actuals; ",
        response->best_model(), " is recommended instead"));
  }
  return absl::OkStatus();
}

}  // namespace tsforecast::service
