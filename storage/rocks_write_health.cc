#include "storage/rocks_write_health.h"

#include <sys/statvfs.h>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "storage/rocks_status.h"

namespace tsforecast::storage {

absl::StatusOr<uint64_t> FreeBytesOf(const std::string& path) {
  struct statvfs fs;
  if (statvfs(path.c_str(), &fs) != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot measure free space of ", path));
  }
  return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
}

RocksWriteHealth::RocksWriteHealth(
    std::string data_dir, uint64_t min_free_bytes,
    std::function<absl::StatusOr<uint64_t>()> free_bytes)
    : data_dir_(std::move(data_dir)),
      min_free_bytes_(min_free_bytes),
      free_bytes_(std::move(free_bytes)) {}

absl::StatusOr<uint64_t> RocksWriteHealth::FreeBytes() {
  absl::StatusOr<uint64_t> free =
      free_bytes_ ? free_bytes_() : FreeBytesOf(data_dir_);
  if (!free.ok()) return free;
  uint64_t unflushed = 0;
  if (rocksdb::DB* db = db_.load()) {
    db->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables", &unflushed);
  }
  return *free > unflushed ? *free - unflushed : 0;
}

absl::Status RocksWriteHealth::CheckWritable() {
  absl::StatusOr<uint64_t> free = FreeBytes();
  // An unmeasurable file system is no reason to stop writing.
  const bool low = free.ok() && *free < min_free_bytes_;
  if (low) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "disk nearly full: ", *free >> 20, " MiB free on the file system of ",
        data_dir_, ", writes pause below ", min_free_bytes_ >> 20,
        " MiB (server flag --min_free_disk_mb); free space and writes resume "
        "by themselves, nothing acknowledged is lost"));
  }
  absl::Status background;
  {
    absl::MutexLock lock(&mu_);
    background = background_;
  }
  if (background.ok()) return absl::OkStatus();
  // The disk has room again (or the error was transient): ask RocksDB to
  // resume. It refuses for errors it cannot recover from, such as
  // corruption; those stay until a restart.
  if (rocksdb::DB* db = db_.load()) {
    rocksdb::Status resumed = db->Resume();
    if (resumed.ok()) {
      absl::MutexLock lock(&mu_);
      background_ = absl::OkStatus();
      fatal_ = false;
      TSF_LOG(INFO) << "storage resumed writes after: " << background;
      return absl::OkStatus();
    }
  }
  return background;
}

StoreHealth RocksWriteHealth::Health() {
  StoreHealth health;
  const absl::Status s = CheckWritable();
  health.writable = s.ok();
  if (!s.ok()) health.reason = std::string(s.message());
  health.needs_restart = !s.ok() && fatal_.load();
  health.background_errors = background_errors_.load();
  return health;
}

void RocksWriteHealth::OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                                         rocksdb::Status* error) {
  if (error == nullptr || error->ok()) return;
  ++background_errors_;
  fatal_ = error->severity() >= rocksdb::Status::Severity::kFatalError;
  const char* during = "a write";
  switch (reason) {
    case rocksdb::BackgroundErrorReason::kFlush:
      during = "a flush";
      break;
    case rocksdb::BackgroundErrorReason::kCompaction:
      during = "a compaction";
      break;
    case rocksdb::BackgroundErrorReason::kMemTable:
      during = "a memtable insert";
      break;
    default:
      break;
  }
  // RocksDB reports errors it goes on writing after too (severity
  // kNoError: without paranoid checks, a compaction that met a damaged
  // block, which the quarantine then handles): writes are not stopped.
  if (error->severity() == rocksdb::Status::Severity::kNoError) {
    TSF_LOG(WARNING) << "storage: " << during
                     << " failed; writes go on: " << error->ToString();
    return;
  }
  // The message names the file RocksDB was reading or writing.
  absl::Status status = FromRocks(*error);
  status = absl::Status(
      status.code(),
      absl::StrCat("storage stopped writes after an error in ", during, ": ",
                   status.message(),
                   error->IsCorruption()
                       ? "; reads of other data continue; restore the "
                         "damaged range from a backup (tsfctl verify "
                         "lists it)"
                       : ""));
  TSF_LOG(ERROR) << status;
  absl::MutexLock lock(&mu_);
  background_ = status;
}

void RocksWriteHealth::OnCompactionCompleted(
    rocksdb::DB*, const rocksdb::CompactionJobInfo& info) {
  if (info.status.ok() || !on_damage_) return;
  if (info.status.IsCorruption() || info.status.IsIOError()) {
    TSF_LOG(ERROR) << "a compaction failed reading its input ("
                   << info.status.ToString()
                   << "); checking the table files for damage";
    on_damage_();
  }
}

void RocksWriteHealth::OnErrorRecoveryEnd(
    const rocksdb::BackgroundErrorRecoveryInfo& info) {
  if (!info.new_bg_error.ok()) return;
  absl::MutexLock lock(&mu_);
  if (!background_.ok()) {
    TSF_LOG(INFO) << "storage recovered by itself from: " << background_;
  }
  background_ = absl::OkStatus();
}

}  // namespace tsforecast::storage
