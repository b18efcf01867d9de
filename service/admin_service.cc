#include "service/admin_service.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "service/grpc_status.h"

namespace tsforecast::service {
namespace {

// The directory a backup request names, inside `root`: a relative name
// goes under the root; an absolute path must already lie inside it. No
// "..", no control characters, and the parent must exist.
absl::StatusOr<std::string> BackupDirectory(const std::string& root,
                                            const std::string& requested) {
  namespace fs = std::filesystem;
  if (requested.empty()) {
    return absl::InvalidArgumentError(
        "directory: required, a new directory under the backup root " + root);
  }
  for (char c : requested) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          "directory: control characters are not allowed");
    }
  }
  const fs::path path(requested);
  for (const fs::path& part : path) {
    if (part == "..") {
      return absl::InvalidArgumentError(
          "directory: \"..\" is not allowed; name a directory under the "
          "backup root " +
          root);
    }
  }
  const fs::path full =
      (path.is_absolute() ? path : fs::path(root) / path).lexically_normal();
  const fs::path base = fs::path(root).lexically_normal();
  const fs::path inside = full.lexically_relative(base);
  if (inside.empty() || *inside.begin() == "..") {
    return absl::PermissionDeniedError(absl::StrCat(
        "directory: ", requested.substr(0, 200), " is outside the backup root ",
        root, "; give a name under it (the server's --backup_root)"));
  }
  if (inside == ".") {
    return absl::InvalidArgumentError(
        "directory: name a new directory under the backup root, not the "
        "root itself");
  }
  std::error_code ec;
  if (!fs::is_directory(full.parent_path(), ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory: the parent ", full.parent_path().string(),
                     " does not exist; create it first"));
  }
  return full.string();
}

}  // namespace

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
  absl::StatusOr<std::string> directory =
      BackupDirectory(backup_root_, request->directory());
  if (!directory.ok()) return ToGrpcStatus(directory.status());
  absl::StatusOr<uint64_t> bytes = store_->Backup(*directory);
  if (!bytes.ok()) return ToGrpcStatus(bytes.status());
  TSF_LOG(INFO) << "backup written to " << *directory << " (" << *bytes
                << " bytes)";
  response->set_directory(*directory);
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
