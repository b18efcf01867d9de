// tsforecast.v1.PointsService: validates, calls the store, converts.
#ifndef TSFORECAST_SERVICE_POINTS_SERVICE_H_
#define TSFORECAST_SERVICE_POINTS_SERVICE_H_

#include "service/service_limits.h"
#include "storage/series_store.h"
#include "tsforecast/v1/points.grpc.pb.h"

namespace tsforecast::service {

class PointsServiceImpl final : public tsforecast::v1::PointsService::Service {
 public:
  // `store` must outlive the service.
  PointsServiceImpl(storage::SeriesStore* store, ServiceLimits limits)
      : store_(store), limits_(limits) {}

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
  // Checks limits, converts and writes one request (or stream batch).
  absl::StatusOr<storage::WriteResult> Write(
      const v1::WritePointsRequest& request);

  storage::SeriesStore* store_;
  const ServiceLimits limits_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_POINTS_SERVICE_H_
