// tsforecast.v1.ForecastService: the gRPC adapter over ForecastEngine.
// Checks access, converts, and answers; the engine does the work.
#ifndef TSFORECAST_SERVICE_GRPC_FORECAST_SERVICE_H_
#define TSFORECAST_SERVICE_GRPC_FORECAST_SERVICE_H_

#include "service/access.h"
#include "service/engine/forecast_engine.h"
#include "service/grpc/stream_watchdog.h"
#include "tsforecast/v1/forecast.grpc.pb.h"

namespace tsforecast::service {

// Forecast and WatchForecast use gRPC's callback API, so that neither a
// fit nor a watcher holds a gRPC thread: polls answered from the cache
// finish on the thread that received them, fits run on the engine's
// workers, and a watcher is a small object woken by the engine. The other
// methods use the sync API.
class ForecastServiceImpl final
    : public v1::ForecastService::WithCallbackMethod_Forecast<
          v1::ForecastService::WithCallbackMethod_WatchForecast<
              v1::ForecastService::Service>> {
 public:
  // None is owned; all must outlive the service.
  ForecastServiceImpl(ForecastEngine* engine, storage::SeriesStore* store,
                      const Access* access, StreamWatchdog* watchdog)
      : engine_(engine), store_(store), access_(access), watchdog_(watchdog) {}

  grpc::ServerUnaryReactor* Forecast(grpc::CallbackServerContext* context,
                                     const v1::ForecastRequest* request,
                                     v1::ForecastResponse* response) override;
  grpc::ServerWriteReactor<v1::ForecastResponse>* WatchForecast(
      grpc::CallbackServerContext* context,
      const v1::ForecastRequest* request) override;
  grpc::Status Backtest(grpc::ServerContext* context,
                        const v1::BacktestRequest* request,
                        v1::BacktestResponse* response) override;
  grpc::Status ListModels(grpc::ServerContext* context,
                          const v1::ListModelsRequest* request,
                          v1::ListModelsResponse* response) override;
  grpc::Status ForecastMany(
      grpc::ServerContext* context, const v1::ForecastManyRequest* request,
      grpc::ServerWriter<v1::ForecastManyResponse>* writer) override;
  grpc::Status ListForecastVintages(
      grpc::ServerContext* context,
      const v1::ListForecastVintagesRequest* request,
      v1::ListForecastVintagesResponse* response) override;
  grpc::Status GetForecastVintage(
      grpc::ServerContext* context,
      const v1::GetForecastVintageRequest* request,
      v1::GetForecastVintageResponse* response) override;

 private:
  // The caller of a call about `series`, allowed `need`.
  absl::StatusOr<Caller> CallerFor(const grpc::ServerContextBase& context,
                                   auth::Role need, absl::string_view series,
                                   absl::string_view what) const;

  ForecastEngine* engine_;
  storage::SeriesStore* store_;
  const Access* access_;
  StreamWatchdog* watchdog_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_FORECAST_SERVICE_H_
