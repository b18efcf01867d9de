#include "service/grpc/admin_service.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "service/backup_path.h"
#include "service/grpc/grpc_status.h"

namespace tsforecast::service {

absl::Status AdminServiceImpl::CheckAdmin(const grpc::ServerContext& context,
                                          absl::string_view what) const {
  absl::StatusOr<Caller> caller =
      access_->Check(context, auth::Role::kAdmin, what);
  if (!caller.ok()) return caller.status();
  return Access::CheckUnscoped(*caller, what);
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  if (absl::Status s = CheckAdmin(*context, "Backup"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<BackupPath> directory =
      ResolveBackupPath(backup_root_, request->directory());
  if (!directory.ok()) return ToGrpcStatus(directory.status());
  absl::StatusOr<uint64_t> bytes = store_->Backup(directory->write_path());
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  TSF_LOG(INFO) << "backup written to " << directory->display() << " ("
                << *bytes << " bytes)";
  response->set_directory(directory->display());
  for (std::string& lost : store_->DescribeDamage()) {
    TSF_LOG(WARNING) << "backup " << directory->display()
                     << " leaves out: " << lost;
    response->add_left_out(std::move(lost));
  }
  response->set_bytes(*bytes);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Compact(grpc::ServerContext* context,
                                       const v1::CompactRequest*,
                                       v1::CompactResponse*) {
  if (absl::Status s = CheckAdmin(*context, "Compact"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  return ToGrpcStatus(store_->Compact());
}

grpc::Status AdminServiceImpl::GetStorageStats(
    grpc::ServerContext* context, const v1::GetStorageStatsRequest*,
    v1::GetStorageStatsResponse* response) {
  if (absl::Status s = CheckAdmin(*context, "GetStorageStats"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<storage::StorageStats> stats = store_->Stats();
  if (!stats.ok()) return ToGrpcStatus(stats.status());
  response->set_series_count(stats->series_count);
  response->set_points_sst_bytes(stats->points_sst_bytes);
  response->set_meta_sst_bytes(stats->meta_sst_bytes);
  response->set_wal_bytes(stats->wal_bytes);
  response->set_memtable_bytes(stats->memtable_bytes);
  response->set_head_points(stats->head_points);
  response->set_head_bytes(stats->head_bytes);
  response->set_head_log_bytes(stats->head_log_bytes);
  response->set_head_checkpoints(stats->head_checkpoints);
  response->set_points_written(stats->points_written);
  return grpc::Status::OK;
}

grpc::Status AdminServiceImpl::Verify(grpc::ServerContext* context,
                                      const v1::VerifyRequest*,
                                      v1::VerifyResponse* response) {
  if (absl::Status s = CheckAdmin(*context, "Verify"); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<storage::VerifyReport> report = store_->Verify();
  if (!report.ok()) return ToGrpcStatus(report.status());
  response->set_files_checked(report->files_checked);
  response->set_series_checked(report->series_checked);
  for (const std::string& d : report->damaged_files) {
    response->add_damaged_files(d);
  }
  for (const std::string& d : report->damaged_series) {
    response->add_damaged_series(d);
  }
  if (!report->damaged_files.empty() || !report->damaged_series.empty()) {
    TSF_LOG(ERROR) << "verify: " << report->damaged_files.size()
                   << " damaged files, " << report->damaged_series.size()
                   << " series with unreadable ranges";
  }
  return grpc::Status::OK;
}

}  // namespace tsforecast::service
