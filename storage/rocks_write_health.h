// Whether the store may take writes: the free space of the data dir's file
// system against a reserve, and RocksDB's background error state (a full
// disk met by a flush, corruption met by a compaction, an I/O error).
// Checked before every commit, so a full disk turns into a clean
// RESOURCE_EXHAUSTED before RocksDB ever hits ENOSPC, reads keep working,
// and writes resume by themselves once space is freed.
#ifndef TSFORECAST_STORAGE_ROCKS_WRITE_HEALTH_H_
#define TSFORECAST_STORAGE_ROCKS_WRITE_HEALTH_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/listener.h"
#include "storage/series_store.h"

namespace tsforecast::storage {

class RocksWriteHealth final : public rocksdb::EventListener {
 public:
  // `free_bytes` measures the data dir's file system (statvfs unless a
  // test injects one).
  RocksWriteHealth(std::string data_dir, uint64_t min_free_bytes,
                   std::function<absl::StatusOr<uint64_t>()> free_bytes);

  // The database to resume after a background error; set once it is open.
  void Attach(rocksdb::DB* db) { db_.store(db); }

  // OK, or why writes are refused now: RESOURCE_EXHAUSTED for too little
  // space, the background error's own code otherwise. Tries to resume the
  // database when the error is one RocksDB can recover from and the cause
  // is gone.
  absl::Status CheckWritable();

  StoreHealth Health();

  uint64_t background_errors() const { return background_errors_.load(); }

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                         rocksdb::Status* error) override;
  void OnErrorRecoveryEnd(
      const rocksdb::BackgroundErrorRecoveryInfo& info) override;
  // A compaction that failed reading a table file (corrupt, missing)
  // calls `on_damage` (set before the database opens), which must only
  // schedule work: it runs on RocksDB's compaction thread.
  void OnCompactionCompleted(rocksdb::DB* db,
                             const rocksdb::CompactionJobInfo& info) override;
  void SetDamageCallback(std::function<void()> on_damage) {
    on_damage_ = std::move(on_damage);
  }

 private:
  // Free space as the next flush will find it: the file system's free
  // bytes less what the memtables will write out. Measured on every call
  // (a statvfs costs about a microsecond; a cached value let a fast writer
  // run a small disk full between two measurements).
  absl::StatusOr<uint64_t> FreeBytes();

  const std::string data_dir_;
  const uint64_t min_free_bytes_;
  const std::function<absl::StatusOr<uint64_t>()> free_bytes_;
  std::atomic<rocksdb::DB*> db_{nullptr};
  std::atomic<uint64_t> background_errors_{0};
  // Whether the background error is one RocksDB will not resume from.
  std::atomic<bool> fatal_{false};
  std::function<void()> on_damage_;
  absl::Mutex mu_;
  // RocksDB's background error, or OK.
  absl::Status background_ ABSL_GUARDED_BY(mu_);
};

// Free bytes of the file system holding `path`, for unprivileged users.
absl::StatusOr<uint64_t> FreeBytesOf(const std::string& path);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_ROCKS_WRITE_HEALTH_H_
