// tsforecast.v1.PointsService: validates, calls the store, converts.
#ifndef TSFORECAST_SERVICE_GRPC_POINTS_SERVICE_H_
#define TSFORECAST_SERVICE_GRPC_POINTS_SERVICE_H_

#include "service/access.h"
#include "service/grpc/stream_watchdog.h"
#include "service/ingest_budget.h"
#include "service/service_limits.h"
#include "storage/series_store.h"
#include "tsforecast/v1/points.grpc.pb.h"

namespace tsforecast::service {

class PointsServiceImpl final : public tsforecast::v1::PointsService::Service {
 public:
  // `store`, `access`, `watchdog` and `budget` must outlive the service.
  PointsServiceImpl(storage::SeriesStore* store, ServiceLimits limits,
                    const Access* access, StreamWatchdog* watchdog,
                    IngestBudget* budget)
      : store_(store),
        limits_(limits),
        access_(access),
        watchdog_(watchdog),
        budget_(budget) {}

  grpc::Status WritePoints(grpc::ServerContext* context,
                           const v1::WritePointsRequest* request,
                           v1::WritePointsResponse* response) override;
  grpc::Status StreamWritePoints(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::StreamWritePointsResponse,
                               v1::StreamWritePointsRequest>* stream) override;
  grpc::Status ReadPoints(grpc::ServerContext* context,
                          const v1::ReadPointsRequest* request,
                          v1::ReadPointsResponse* response) override;
  grpc::Status StreamReadPoints(
      grpc::ServerContext* context, const v1::StreamReadPointsRequest* request,
      grpc::ServerWriter<v1::StreamReadPointsResponse>* writer) override;
  grpc::Status ReadLatest(grpc::ServerContext* context,
                          const v1::ReadLatestRequest* request,
                          v1::ReadLatestResponse* response) override;
  grpc::Status DeletePoints(grpc::ServerContext* context,
                            const v1::DeletePointsRequest* request,
                            v1::DeletePointsResponse* response) override;

 private:
  // Checks limits and the caller's scope, converts and writes one request
  // (or stream batch).
  absl::StatusOr<storage::WriteResult> Write(
      const Caller& caller, const v1::WritePointsRequest& request);
  // The caller of a reading call that names `series`.
  absl::StatusOr<Caller> Reader(const grpc::ServerContext& context,
                                absl::string_view series,
                                absl::string_view what) const;

  storage::SeriesStore* store_;
  const ServiceLimits limits_;
  const Access* access_;
  StreamWatchdog* watchdog_;
  IngestBudget* budget_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_POINTS_SERVICE_H_
