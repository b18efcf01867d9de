// tsforecast.v1.AdminService: backup, compaction, storage statistics.
#ifndef TSFORECAST_SERVICE_GRPC_ADMIN_SERVICE_H_
#define TSFORECAST_SERVICE_GRPC_ADMIN_SERVICE_H_

#include <string>

#include "service/access.h"
#include "storage/series_store.h"
#include "tsforecast/v1/admin.grpc.pb.h"

namespace tsforecast::service {

class AdminServiceImpl final : public tsforecast::v1::AdminService::Service {
 public:
  // Backups go under `backup_root` (an absolute directory) only.
  AdminServiceImpl(storage::SeriesStore* store, const Access* access,
                   std::string backup_root)
      : store_(store), access_(access), backup_root_(std::move(backup_root)) {}

  grpc::Status Backup(grpc::ServerContext* context,
                      const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;
  grpc::Status Compact(grpc::ServerContext* context,
                       const v1::CompactRequest* request,
                       v1::CompactResponse* response) override;
  grpc::Status GetStorageStats(grpc::ServerContext* context,
                               const v1::GetStorageStatsRequest* request,
                               v1::GetStorageStatsResponse* response) override;
  grpc::Status Verify(grpc::ServerContext* context,
                      const v1::VerifyRequest* request,
                      v1::VerifyResponse* response) override;

 private:
  // An admin caller with an unscoped token (these calls cover every
  // series).
  absl::Status CheckAdmin(const grpc::ServerContext& context,
                          absl::string_view what) const;

  storage::SeriesStore* store_;
  const Access* access_;
  const std::string backup_root_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_GRPC_ADMIN_SERVICE_H_
