// tsforecast.v1.SeriesService: validates, calls the store, converts.
#ifndef TSFORECAST_SERVICE_GRPC_SERIES_SERVICE_H_
#define TSFORECAST_SERVICE_GRPC_SERIES_SERVICE_H_

#include "service/access.h"
#include "storage/series_store.h"
#include "tsforecast/v1/series.grpc.pb.h"

namespace tsforecast::service {

class SeriesServiceImpl final : public tsforecast::v1::SeriesService::Service {
 public:
  // `store` and `access` must outlive the service.
  SeriesServiceImpl(storage::SeriesStore* store, const Access* access)
      : store_(store), access_(access) {}

  grpc::Status CreateSeries(grpc::ServerContext* context,
                            const v1::CreateSeriesRequest* request,
                            v1::CreateSeriesResponse* response) override;
  grpc::Status GetSeries(grpc::ServerContext* context,
                         const v1::GetSeriesRequest* request,
                         v1::GetSeriesResponse* response) override;
  grpc::Status ListSeries(grpc::ServerContext* context,
                          const v1::ListSeriesRequest* request,
                          v1::ListSeriesResponse* response) override;
  grpc::Status UpdateSeries(grpc::ServerContext* context,
                            const v1::UpdateSeriesRequest* request,
                            v1::UpdateSeriesResponse* response) override;
  grpc::Status DeleteSeries(grpc::ServerContext* context,
                            const v1::DeleteSeriesRequest* request,
                            v1::DeleteSeriesResponse* response) override;

 private:
  storage::SeriesStore* store_;
  const Access* access_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_SERIES_SERVICE_H_
