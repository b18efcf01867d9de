// tsforecast.v1.ForecastService: Forecast (with a cache keyed by series
// revision and canonical request), ForecastMany, WatchForecast, Backtest
// ListModels, and saved forecast vintages (kept as series attachments in
// the store, so they are deleted with the series and included in backups).
#ifndef TSFORECAST_SERVICE_FORECAST_SERVICE_H_
#define TSFORECAST_SERVICE_FORECAST_SERVICE_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "service/access.h"
#include "service/fit_scheduler.h"
#include "service/forecast_runner.h"
#include "service/metrics.h"
#include "service/stream_watchdog.h"
#include "storage/series_store.h"
#include "tsforecast/v1/forecast.grpc.pb.h"

namespace tsforecast::service {

// Finished forecasts by "<canonical request>@<revision>": a write changes
// the revision, so stale entries are never hit; they are evicted by size.
class ForecastCache {
 public:
  explicit ForecastCache(size_t max_entries) : max_entries_(max_entries) {}
  // `count_miss`: false for a look that a full lookup follows on a miss.
  std::shared_ptr<const tsforecast::v1::ForecastResponse> Find(
      const std::string& key, bool count_miss = true) const
      ABSL_LOCKS_EXCLUDED(mu_);
  void Insert(const std::string& key,
              std::shared_ptr<const tsforecast::v1::ForecastResponse> value)
      ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t hits() const ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t misses() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string,
                      std::shared_ptr<const tsforecast::v1::ForecastResponse>>
      entries_ ABSL_GUARDED_BY(mu_);
  mutable uint64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
  mutable uint64_t misses_ ABSL_GUARDED_BY(mu_) = 0;
};

// Forecast uses gRPC's callback API: polls answered from the cache finish
// on the gRPC thread that received them, with no handoff; a fit runs on a
// thread of its own. The other methods use the sync API.
class ForecastServiceImpl final
    : public tsforecast::v1::ForecastService::WithCallbackMethod_Forecast<
          tsforecast::v1::ForecastService::Service> {
 public:
  // At most `max_running_fits` fits run at once and `max_waiting_fits` wait;
  // more is RESOURCE_EXHAUSTED.
  // `metrics` (may be null) receives fit times by model.
  // `max_missing_percent` is the default of requests that leave it unset.
  ForecastServiceImpl(storage::SeriesStore* store, const Access* access,
                      StreamWatchdog* watchdog, int max_running_fits,
                      int max_waiting_fits, Metrics* metrics = nullptr,
                      double max_missing_percent = kDefaultMaxMissingPercent)
      : store_(store),
        access_(access),
        watchdog_(watchdog),
        metrics_(metrics),
        max_missing_percent_(max_missing_percent),
        cache_(4096),
        scheduler_(max_running_fits, max_waiting_fits) {}

  // The answer to `request` as Forecast gives it ("unchanged" for a known
  // revision, a saved vintage when asked); for the HTTP port too.
  absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>> Answer(
      const v1::ForecastRequest& request, absl::Time deadline);
  // On the fit scheduler, like forecasts: bounded with the others, and
  // ending early (CANCELLED or DEADLINE_EXCEEDED) once `stop` says so or
  // `deadline` passes.
  absl::Status RunBacktest(const v1::BacktestRequest& request,
                           v1::BacktestResponse* response, absl::Time deadline,
                           std::function<bool()> stop = nullptr);
  // The model catalogue, as ListModels answers it.
  static void DescribeModels(v1::ListModelsResponse* response);
  // Up to `limit` saved vintages of `series` with ids below `before_id` (0:
  // from the newest), newest first, each with its whole forecast.
  absl::StatusOr<std::vector<v1::ForecastVintage>> LoadVintages(
      absl::string_view series, uint64_t before_id, size_t limit) const;

  ~ForecastServiceImpl() override;

  grpc::ServerUnaryReactor* Forecast(grpc::CallbackServerContext* context,
                                     const v1::ForecastRequest* request,
                                     v1::ForecastResponse* response) override;
  grpc::Status Backtest(grpc::ServerContext* context,
                        const v1::BacktestRequest* request,
                        v1::BacktestResponse* response) override;
  grpc::Status ListModels(grpc::ServerContext* context,
                          const v1::ListModelsRequest* request,
                          v1::ListModelsResponse* response) override;
  grpc::Status ForecastMany(
      grpc::ServerContext* context, const v1::ForecastManyRequest* request,
      grpc::ServerWriter<v1::ForecastManyResponse>* writer) override;
  grpc::Status WatchForecast(
      grpc::ServerContext* context, const v1::ForecastRequest* request,
      grpc::ServerWriter<v1::ForecastResponse>* writer) override;

  grpc::Status ListForecastVintages(
      grpc::ServerContext* context,
      const v1::ListForecastVintagesRequest* request,
      v1::ListForecastVintagesResponse* response) override;
  grpc::Status GetForecastVintage(
      grpc::ServerContext* context,
      const v1::GetForecastVintageRequest* request,
      v1::GetForecastVintageResponse* response) override;

  const ForecastCache& cache() const { return cache_; }
  const FitScheduler& scheduler() const { return scheduler_; }

 private:
  // The forecast for `request` at the series' current revision, from the
  // cache when it is there.
  absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>> ForecastCached(
      const v1::ForecastRequest& request, absl::Time deadline);
  // The answer when no fit is needed: "unchanged" for the known revision
  // or a cache hit. Null otherwise, errors included (the full path reports
  // them).
  std::shared_ptr<const v1::ForecastResponse> FromMemory(
      const v1::ForecastRequest& request) const;
  // The backtest itself, on the caller's thread.
  absl::Status BacktestNow(const v1::BacktestRequest& request,
                           v1::BacktestResponse* response,
                           std::function<bool()> stop);
  // Keeps `forecast` as a vintage of its series; returns the vintage id.
  absl::StatusOr<int64_t> SaveVintage(const v1::ForecastResponse& forecast);

  // The job of a request, with the server's defaults where it gives none.
  // INVALID_ARGUMENT for a malformed aggregation.
  absl::StatusOr<ForecastJob> JobFor(const v1::ForecastRequest& request) const;

  // The caller of a call about `series`, allowed `need`.
  absl::StatusOr<Caller> CallerFor(const grpc::ServerContextBase& context,
                                   auth::Role need, absl::string_view series,
                                   absl::string_view what) const;

  storage::SeriesStore* store_;
  const Access* access_;
  StreamWatchdog* watchdog_;
  Metrics* metrics_;
  double max_missing_percent_;
  ForecastCache cache_;
  FitScheduler scheduler_;
  // Forecast calls computing on their own threads; the destructor waits
  // for them.
  absl::Mutex detached_mu_;
  int detached_ ABSL_GUARDED_BY(detached_mu_) = 0;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_FORECAST_SERVICE_H_
