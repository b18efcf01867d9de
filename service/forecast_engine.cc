#include "service/forecast_engine.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "forecast/model_registry.h"
#include "service/proto_convert.h"

namespace tsforecast::service {
namespace {

ForecastJob JobFromProto(const v1::ForecastRequest& r) {
  ForecastJob job;
  job.series = r.series();
  job.horizon = r.horizon();
  job.model = SpecFromProto(r.model());
  if (r.levels_size() > 0)
    job.levels.assign(r.levels().begin(), r.levels().end());
  if (r.window().has_range()) {
    job.window.range = storage::TimeRange{r.window().range().start_ms(),
                                          r.window().range().end_ms()};
  } else if (r.window().window_case() == v1::TrainingWindow::kLastPoints) {
    job.window.last_points = r.window().last_points();
  }
  switch (r.transform()) {
    case v1::TRANSFORM_LOG:
      job.transform = TransformKind::kLog;
      break;
    case v1::TRANSFORM_BOX_COX:
      job.transform = TransformKind::kBoxCox;
      break;
    default:
      job.transform = TransformKind::kNone;
  }
  if (r.has_box_cox_lambda()) job.box_cox_lambda = r.box_cox_lambda();
  job.season_lengths.assign(r.season_lengths().begin(),
                            r.season_lengths().end());
  return job;
}

void OutcomeToProto(const ForecastJob& job, const ForecastOutcome& out,
                    v1::ForecastResponse* response) {
  response->set_series(job.series);
  response->set_revision(out.revision);
  for (int64_t ts : out.timestamps_ms) response->add_timestamps_ms(ts);
  for (double v : out.prediction.mean) response->add_mean(v);
  for (const forecast::PredictionInterval& pi : out.prediction.intervals) {
    v1::PredictionInterval* p = response->add_intervals();
    p->set_level(pi.level);
    for (double v : pi.lower) p->add_lower(v);
    for (double v : pi.upper) p->add_upper(v);
  }
  v1::FittedModelInfo* info = response->mutable_model();
  info->set_name(out.model_name);
  info->set_description(out.description);
  for (const auto& [name, value] : out.parameters) {
    (*info->mutable_parameters())[name] = value;
  }
  if (out.summary.has_likelihood) {
    info->set_log_likelihood(out.summary.log_likelihood);
    info->set_aic(out.summary.aic);
    info->set_aicc(out.summary.aicc);
    info->set_bic(out.summary.bic);
  }
  info->set_sigma2(out.summary.sigma2);
  info->set_converged(out.summary.converged);
  info->set_training_points(out.training_points);
  for (const std::string& w : out.warnings) response->add_warnings(w);
}

}  // namespace

ForecastEngine::ForecastEngine(storage::SeriesStore* store,
                               ForecastEngineOptions options, Metrics* metrics)
    : store_(store),
      options_(options),
      metrics_(metrics),
      cache_(options.cache_entries),
      scheduler_(options.workers > 0
                     ? options.workers
                     : static_cast<int>(
                           std::max(1u, std::thread::hardware_concurrency())),
                 options.max_waiting),
      watcher_(store, options.watch_tick) {}

void ForecastEngine::ForecastCached(const v1::ForecastRequest& request,
                                    absl::Time deadline, Done done) {
  absl::StatusOr<ForecastJob> parsed = JobFor(request);
  absl::Status valid = parsed.ok() ? ValidateJob(*parsed) : parsed.status();
  absl::StatusOr<storage::SeriesInfo> info =
      valid.ok() ? store_->GetSeries(parsed->series)
                 : absl::StatusOr<storage::SeriesInfo>(valid);
  if (!info.ok()) return done(info.status());
  const ForecastJob& job = *parsed;
  const std::string key = absl::StrCat(job.CanonicalKey(), "@", info->revision);
  // Entries are stored already marked `cached`: a hit copies nothing.
  if (auto cached = cache_.Find(key)) return done(cached);
  // Identical concurrent requests share one fit, on a bounded pool.
  scheduler_.Submit(
      key, deadline,
      [this, job]() -> Result {
        const absl::Time start = absl::Now();
        absl::StatusOr<ForecastOutcome> fitted = RunForecast(*store_, job);
        if (metrics_ != nullptr) {
          if (fitted.ok()) {
            metrics_->fit_seconds.Observe(
                {job.model.name}, absl::ToDoubleSeconds(absl::Now() - start));
          } else {
            metrics_->fit_errors.Add({job.model.name});
          }
        }
        TSF_RETURN_IF_ERROR(fitted.status());
        ForecastOutcome& outcome = *fitted;
        auto response = std::make_shared<v1::ForecastResponse>();
        OutcomeToProto(job, outcome, response.get());
        auto stored = std::make_shared<v1::ForecastResponse>(*response);
        stored->set_cached(true);
        cache_.Insert(absl::StrCat(job.CanonicalKey(), "@", outcome.revision),
                      std::move(stored));
        return std::shared_ptr<const v1::ForecastResponse>(std::move(response));
      },
      std::move(done),
      forecast::IsCheapModel(job.model.name) ? FitScheduler::Cost::kCheap
                                             : FitScheduler::Cost::kExpensive);
}

std::shared_ptr<const v1::ForecastResponse> ForecastEngine::FromMemory(
    const v1::ForecastRequest& request) const {
  // A vintage is always computed and saved, so "unchanged" does not apply.
  if (request.save_vintage()) return nullptr;
  absl::StatusOr<ForecastJob> parsed = JobFor(request);
  if (!parsed.ok() || !ValidateJob(*parsed).ok()) return nullptr;
  const ForecastJob& job = *parsed;
  absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(job.series);
  if (!info.ok()) return nullptr;
  if (request.known_revision() == info->revision) {
    auto unchanged = std::make_shared<v1::ForecastResponse>();
    unchanged->set_unchanged(true);
    unchanged->set_revision(info->revision);
    unchanged->set_series(request.series());
    return unchanged;
  }
  return cache_.Find(absl::StrCat(job.CanonicalKey(), "@", info->revision),
                     /*count_miss=*/false);
}

void ForecastEngine::Forecast(const v1::ForecastRequest& request,
                              absl::Time deadline, Done done) {
  if (auto quick = FromMemory(request)) return done(quick);
  if (!request.save_vintage()) {
    return ForecastCached(request, deadline, std::move(done));
  }
  // Saved once computed, on the worker that computed it (or on this thread
  // for a cache hit): a store write, short next to the fit.
  ForecastCached(
      request, deadline, [this, done = std::move(done)](const Result& result) {
        if (!result.ok()) return done(result);
        auto saved = std::make_shared<v1::ForecastResponse>(**result);
        absl::StatusOr<int64_t> id = SaveVintage(*saved);
        if (!id.ok()) {
          return done(Annotate(id.status(), "saving the forecast vintage"));
        }
        saved->set_vintage_id(*id);
        done(std::shared_ptr<const v1::ForecastResponse>(std::move(saved)));
      });
}

ForecastEngine::Result ForecastEngine::Answer(
    const v1::ForecastRequest& request, absl::Time deadline) {
  return AwaitResult(
      [&](Done done) { Forecast(request, deadline, std::move(done)); },
      deadline, "deadline passed before the forecast was ready");
}

absl::StatusOr<ForecastJob> ForecastEngine::JobFor(
    const v1::ForecastRequest& request) const {
  if (!v1::Transform_IsValid(request.transform())) {
    return absl::InvalidArgumentError(
        absl::StrCat("transform: unknown value ", request.transform(),
                     "; one of NONE, LOG, BOX_COX"));
  }
  ForecastJob job = JobFromProto(request);
  job.max_missing_percent = request.has_max_missing_percent()
                                ? request.max_missing_percent()
                                : options_.max_missing_percent;
  if (request.has_aggregation()) {
    const v1::Aggregation& agg = request.aggregation();
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
  return job;
}

void ForecastEngine::ListModels(v1::ListModelsResponse* response) {
  for (const forecast::ModelInfo& m : forecast::ListModels()) {
    v1::ModelInfo* info = response->add_models();
    info->set_name(m.name);
    info->set_description(m.description);
    for (const forecast::ModelOption& o : m.options) {
      v1::ModelOption* opt = info->add_options();
      opt->set_name(o.name);
      opt->set_description(o.description);
      opt->set_default_value(o.default_value);
      for (const std::string& v : o.AllowedValues()) {
        opt->add_allowed_values(v);
      }
    }
  }
}

}  // namespace tsforecast::service
