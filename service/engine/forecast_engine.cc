#include "service/engine/forecast_engine.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "forecast/model_registry.h"

namespace tsforecast::service {
namespace {

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
  response->set_partly_observed_steps(out.partly_observed_steps);
  response->set_summary(out.plain_summary);
  response->set_last_timestamp_ms(out.last_timestamp_ms);
  response->set_last_value(out.last_value);
}

}  // namespace

ForecastEngine::ForecastEngine(storage::SeriesStore* store,
                               ForecastEngineOptions options, Metrics* metrics)
    : store_(store),
      options_(options),
      metrics_(metrics),
      answers_(options.cache_entries),
      fits_(options.cache_entries),
      scheduler_(options.workers > 0
                     ? options.workers
                     : static_cast<int>(
                           std::max(1u, std::thread::hardware_concurrency())),
                 options.max_waiting),
      watcher_(store, options.watch_tick) {}

void ForecastEngine::ForecastCached(const ForecastJob& job,
                                    const storage::SeriesInfo& info,
                                    absl::Time deadline, Done done) {
  const std::string answer_key =
      absl::StrCat(job.CanonicalKey(), "@", info.revision);
  // Entries are stored already marked `cached`: a hit copies nothing.
  if (auto cached = answers_.Find(answer_key)) return done(cached);
  // The answer is cut from the fit, which every horizon shares.
  auto answer = [this, job](const FittedForecast& fitted) -> Result {
    absl::StatusOr<ForecastOutcome> outcome = PredictForecast(fitted, job);
    if (!outcome.ok()) return outcome.status();
    auto response = std::make_shared<v1::ForecastResponse>();
    OutcomeToProto(job, *outcome, response.get());
    auto stored = std::make_shared<v1::ForecastResponse>(*response);
    stored->set_cached(true);
    answers_.Insert(absl::StrCat(job.CanonicalKey(), "@", outcome->revision),
                    std::move(stored));
    return std::shared_ptr<const v1::ForecastResponse>(std::move(response));
  };
  const std::string fit_key = absl::StrCat(job.FitKey(), "@", info.revision);
  if (auto fitted = fits_.Find(fit_key)) return done(answer(*fitted));
  // Identical concurrent fits (any horizon) share one, on a bounded pool.
  scheduler_.Submit(
      fit_key, deadline,
      [this, job,
       definition = info.definition]() -> FitScheduler<FittedForecast>::Result {
        const absl::Time start = absl::Now();
        absl::StatusOr<FittedForecast> fitted =
            FitForecast(*store_, job, definition);
        if (metrics_ != nullptr) {
          if (fitted.ok()) {
            metrics_->fit_seconds.Observe(
                {job.model.name}, absl::ToDoubleSeconds(absl::Now() - start));
          } else {
            metrics_->fit_errors.Add({job.model.name});
          }
        }
        if (!fitted.ok()) return fitted.status();
        auto shared =
            std::make_shared<const FittedForecast>(*std::move(fitted));
        fits_.Insert(absl::StrCat(job.FitKey(), "@", shared->revision), shared);
        return shared;
      },
      [answer, done = std::move(done)](
          const FitScheduler<FittedForecast>::Result& fitted) {
        if (!fitted.ok()) return done(fitted.status());
        done(answer(**fitted));
      },
      forecast::IsCheapModel(job.model.name) ? FitPool::Cost::kCheap
                                             : FitPool::Cost::kExpensive);
}

void ForecastEngine::Forecast(const ForecastJob& job, absl::Time deadline,
                              Done done) {
  // The request's one lookup of its series.
  absl::StatusOr<storage::SeriesInfo> info = store_->GetSeries(job.series);
  if (!info.ok()) return done(info.status());
  if (!job.save_vintage) {
    // A vintage is always computed and saved, so "unchanged" does not apply.
    if (job.known_revision != 0 && job.known_revision == info->revision) {
      auto unchanged = std::make_shared<v1::ForecastResponse>();
      unchanged->set_unchanged(true);
      unchanged->set_revision(info->revision);
      unchanged->set_series(job.series);
      return done(std::move(unchanged));
    }
    return ForecastCached(job, *info, deadline, std::move(done));
  }
  // Saved once computed, on the worker that computed it (or on this thread
  // for a cache hit): a store write, short next to the fit.
  ForecastCached(
      job, *info, deadline,
      [this, done = std::move(done)](const Result& result) {
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

ForecastEngine::Result ForecastEngine::Answer(const ForecastJob& job,
                                              absl::Time deadline) {
  return AwaitResult<Result>(
      [&](Done done) { Forecast(job, deadline, std::move(done)); }, deadline,
      "deadline passed before the forecast was ready");
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
