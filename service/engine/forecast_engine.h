// The forecasting front end, apart from any transport: it takes
// ForecastJobs (built once by each adapter, forecast_job.h) and keeps the
// fits keyed by series revision and model spec, the answers cut from them,
// single flight and the bounded worker pool (FitScheduler), backtests,
// saved forecast vintages (kept as series attachments in the store, so they
// go with the series and into backups), and notifications for watchers.
// The gRPC ForecastService and the HTTP handlers are thin adapters over it.
// Its answers are the API's ForecastResponse messages (also the stored
// form of vintages); it links no gRPC or HTTP (scripts/check_layering.sh).
#ifndef TSFORECAST_SERVICE_ENGINE_FORECAST_ENGINE_H_
#define TSFORECAST_SERVICE_ENGINE_FORECAST_ENGINE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/engine/fit_scheduler.h"
#include "service/engine/forecast_cache.h"
#include "service/engine/forecast_job.h"
#include "service/engine/forecast_runner.h"
#include "service/engine/revision_watcher.h"
#include "service/metrics.h"
#include "storage/series_store.h"
#include "tsforecast/v1/forecast.pb.h"

namespace tsforecast::service {

struct ForecastEngineOptions {
  // Worker threads for fits and backtests (default: the cores) and jobs
  // that may wait for one; more is RESOURCE_EXHAUSTED.
  int workers = 0;
  int max_waiting = 64;
  // Default of requests that leave max_missing_percent unset.
  double max_missing_percent = kDefaultMaxMissingPercent;
  size_t cache_entries = 4096;
  // How often watched series are checked for changes.
  absl::Duration watch_tick = absl::Milliseconds(200);
};

class ForecastEngine {
 public:
  using Response = v1::ForecastResponse;
  using Result = FitScheduler<Response>::Result;
  using Done = FitScheduler<Response>::Done;

  // `store` (and `metrics`, which may be null and receives fit times by
  // model) must outlive the engine.
  ForecastEngine(storage::SeriesStore* store, ForecastEngineOptions options,
                 Metrics* metrics = nullptr);

  // What requests leave to the server, for the adapters' conversions.
  JobDefaults defaults() const {
    return {.max_missing_percent = options_.max_missing_percent};
  }

  // The answer to a validated `job`: "unchanged" for a known revision, a
  // saved vintage when asked, else the forecast cut from the series' fit
  // at its current revision (one fit per model spec and revision, whatever
  // the horizon). `done` is called exactly once: on the caller's thread
  // when the answer is in memory or the request is refused, else on a
  // worker.
  void Forecast(const ForecastJob& job, absl::Time deadline, Done done);
  // Forecast, waiting for the answer.
  Result Answer(const ForecastJob& job, absl::Time deadline);

  // The same job over many series (ForecastMany): as many in flight as
  // the engine has workers, answers taken in the order they finish.
  class Batch;
  std::unique_ptr<Batch> ForecastEach(const ForecastJob& job,
                                      std::vector<std::string> series,
                                      absl::Time deadline);

  // A rolling-origin backtest of a validated job on the worker pool,
  // bounded with the fits, ending early (CANCELLED or DEADLINE_EXCEEDED)
  // once `stop` says so or `deadline` passes.
  absl::Status Backtest(const BacktestJob& job, v1::BacktestResponse* response,
                        absl::Time deadline,
                        std::function<bool()> stop = nullptr);

  // The model catalogue.
  static void ListModels(v1::ListModelsResponse* response);

  // Up to `limit` saved vintages of `series` with ids below `before_id` (0:
  // from the newest), newest first, each with its whole forecast.
  absl::StatusOr<std::vector<v1::ForecastVintage>> LoadVintages(
      absl::string_view series, uint64_t before_id, size_t limit) const;
  // One saved vintage; NOT_FOUND naming the series and id.
  absl::StatusOr<v1::ForecastVintage> GetVintage(absl::string_view series,
                                                 int64_t vintage_id) const;

  // Calls `changed` (on the watch thread, within one watch tick) each time
  // `series` changes from `known_revision` on; see RevisionWatcher.
  uint64_t Watch(const std::string& series, uint64_t known_revision,
                 RevisionWatcher::Changed changed) {
    return watcher_.Watch(series, known_revision, std::move(changed));
  }
  void Unwatch(uint64_t id) { watcher_.Unwatch(id); }

  // Answers by job and revision (hits are answers served from memory).
  const ForecastCache<Response>& cache() const { return answers_; }
  // Fits by model spec and revision, shared by every horizon.
  const ForecastCache<FittedForecast>& fits() const { return fits_; }
  const FitScheduler<FittedForecast>& scheduler() const { return scheduler_; }
  const RevisionWatcher& watcher() const { return watcher_; }

 private:
  // The forecast for `job` at revision `info.revision` from the answer
  // cache, or cut from a fit (cached or computed on a worker).
  void ForecastCached(const ForecastJob& job, const storage::SeriesInfo& info,
                      absl::Time deadline, Done done);
  absl::Status BacktestNow(const BacktestJob& job,
                           v1::BacktestResponse* response,
                           std::function<bool()> stop);
  // Keeps `forecast` as a vintage of its series; returns the vintage id.
  absl::StatusOr<int64_t> SaveVintage(const v1::ForecastResponse& forecast);

  storage::SeriesStore* store_;
  const ForecastEngineOptions options_;
  Metrics* metrics_;
  ForecastCache<Response> answers_;
  ForecastCache<FittedForecast> fits_;
  // Last: its workers and thread stop first, while what they use lives.
  FitScheduler<FittedForecast> scheduler_;
  RevisionWatcher watcher_;
};

// ForecastEach's answers. Thread-safe; answers still running when it is
// destroyed are dropped when they finish.
class ForecastEngine::Batch {
 public:
  struct Item {
    std::string series;
    Result result;
  };
  // Starts series while fewer than the engine's workers are in flight,
  // then waits up to `wait` for answers and returns those finished (empty
  // when none finished in time).
  std::vector<Item> Take(absl::Duration wait);
  // No series starts after this.
  void Cancel();
  // Every series answered (or cancelled) and taken.
  bool done() const;

 private:
  friend class ForecastEngine;
  struct Shared;
  Batch(ForecastEngine* engine, ForecastJob job,
        std::vector<std::string> series, absl::Time deadline);
  void StartMore();

  ForecastEngine* engine_;
  const ForecastJob job_;
  const std::vector<std::string> series_;
  const absl::Time deadline_;
  size_t next_ = 0;  // under Shared's mutex
  std::shared_ptr<Shared> shared_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_FORECAST_ENGINE_H_
