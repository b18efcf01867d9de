// tsforecast.v1.AdminService: backup, compaction, storage statistics.
#ifndef TSFORECAST_SERVICE_ADMIN_SERVICE_H_
#define TSFORECAST_SERVICE_ADMIN_SERVICE_H_

#include "storage/series_store.h"
#include "tsforecast/v1/admin.grpc.pb.h"

namespace tsforecast::service {

class AdminServiceImpl final : public tsforecast::v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(storage::SeriesStore* store) : store_(store) {}

  grpc::Status Backup(grpc::ServerContext* context,
                      const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;
  grpc::Status Compact(grpc::ServerContext* context,
                       const v1::CompactRequest* request,
                       v1::CompactResponse* response) override;
  grpc::Status GetStorageStats(grpc::ServerContext* context,
                               const v1::GetStorageStatsRequest* request,
                               v1::GetStorageStatsResponse* response) override;

 private:
  storage::SeriesStore* store_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ADMIN_SERVICE_H_
