#include "service/admin_service.h"

#include "common/log.h"
#include "service/grpc_status.h"

namespace tsforecast::service {

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext*,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  absl::StatusOr<uint64_t> bytes = store_->Backup(request->directory());
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  TSF_LOG(INFO) << "backup written to " << request->directory() << " ("
                << *bytes << " bytes)";
  response->set_directory(request->directory());
  response->set_bytes(*bytes);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Compact(grpc::ServerContext*,
                                       const v1::CompactRequest*,
                                       v1::CompactResponse*) {
  return ToGrpcStatus(store_->Compact());
}

grpc::Status AdminServiceImpl::GetStorageStats(
    grpc::ServerContext*, const v1::GetStorageStatsRequest*,
    v1::GetStorageStatsResponse* response) {
  absl::StatusOr<storage::StorageStats> stats = store_->Stats();
  if (!stats.ok()) return ToGrpcStatus(stats.status());
  response->set_series_count(stats->series_count);
  response->set_points_sst_bytes(stats->points_sst_bytes);
  response->set_meta_sst_bytes(stats->meta_sst_bytes);
  response->set_wal_bytes(stats->wal_bytes);
  response->set_memtable_bytes(stats->memtable_bytes);
  response->set_points_written(stats->points_written);
  return grpc::Status::OK;
}

}  // namespace tsforecast::service
