// The forecasting front end, apart from any transport: the forecast cache
// keyed by series revision and canonical request, single flight and the
// bounded worker pool (FitScheduler), backtests, saved forecast vintages
// (kept as series attachments in the store, so they go with the series
// and into backups), and notifications for watchers. The gRPC
// ForecastService and the HTTP handlers are thin adapters over it; its
// interface speaks the API's messages but knows no gRPC or HTTP.
#ifndef TSFORECAST_SERVICE_FORECAST_ENGINE_H_
#define TSFORECAST_SERVICE_FORECAST_ENGINE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/fit_scheduler.h"
#include "service/forecast_cache.h"
#include "service/forecast_runner.h"
#include "service/metrics.h"
#include "service/revision_watcher.h"
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
  using Result = FitScheduler::Result;
  using Done = FitScheduler::Done;

  // `store` (and `metrics`, which may be null and receives fit times by
  // model) must outlive the engine.
  ForecastEngine(storage::SeriesStore* store, ForecastEngineOptions options,
                 Metrics* metrics = nullptr);

  // The answer when no fit is needed: "unchanged" for a known revision, or
  // a cache hit. Null otherwise, errors included (Forecast reports them).
  std::shared_ptr<const v1::ForecastResponse> FromMemory(
      const v1::ForecastRequest& request) const;

  // The answer to `request` ("unchanged" for a known revision, a saved
  // vintage when asked). `done` is called exactly once: on the caller's
  // thread when the answer is in memory or the request is refused, else on
  // a worker.
  void Forecast(const v1::ForecastRequest& request, absl::Time deadline,
                Done done);
  // Forecast, waiting for the answer.
  Result Answer(const v1::ForecastRequest& request, absl::Time deadline);

  // A rolling-origin backtest on the worker pool, bounded with the fits,
  // ending early (CANCELLED or DEADLINE_EXCEEDED) once `stop` says so or
  // `deadline` passes.
  absl::Status Backtest(const v1::BacktestRequest& request,
                        v1::BacktestResponse* response, absl::Time deadline,
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

  const ForecastCache& cache() const { return cache_; }
  const FitScheduler& scheduler() const { return scheduler_; }
  const RevisionWatcher& watcher() const { return watcher_; }

 private:
  // The forecast for `request` at the series' current revision, from the
  // cache or computed on a worker.
  void ForecastCached(const v1::ForecastRequest& request, absl::Time deadline,
                      Done done);
  absl::Status BacktestNow(const v1::BacktestRequest& request,
                           v1::BacktestResponse* response,
                           std::function<bool()> stop);
  // Keeps `forecast` as a vintage of its series; returns the vintage id.
  absl::StatusOr<int64_t> SaveVintage(const v1::ForecastResponse& forecast);
  // The job of a request, with the server's defaults where it gives none.
  // INVALID_ARGUMENT for a malformed aggregation.
  absl::StatusOr<ForecastJob> JobFor(const v1::ForecastRequest& request) const;

  storage::SeriesStore* store_;
  const ForecastEngineOptions options_;
  Metrics* metrics_;
  ForecastCache cache_;
  // Last: its workers and thread stop first, while what they use lives.
  FitScheduler scheduler_;
  RevisionWatcher watcher_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_FORECAST_ENGINE_H_
