// What compaction needs to know about series to drop data physically: which
// ids are live and how long each keeps its points. Shared between the store
// (writer) and the compaction filter (reader, on RocksDB's threads).
#ifndef TSFORECAST_STORAGE_RETENTION_TABLE_H_
#define TSFORECAST_STORAGE_RETENTION_TABLE_H_

#include <cstdint>
#include <functional>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "storage/types.h"

namespace tsforecast::storage {

class RetentionTable {
 public:
  // What compaction may do with data of one series.
  struct Verdict {
    bool drop_all = false;  // the series was deleted
    // Points before this timestamp are expired (INT64_MIN: none).
    int64_t cutoff_ms = INT64_MIN;
    // The series' block window length (0 when unknown).
    int64_t window_ms = 0;
  };

  // `now_ms` returns the current time in ms; injected for tests.
  explicit RetentionTable(std::function<int64_t()> now_ms)
      : now_ms_(std::move(now_ms)) {}

  // Called once the store has loaded every series; until then nothing is
  // dropped.
  void MarkReady(SeriesId next_id) ABSL_LOCKS_EXCLUDED(mu_);
  // Records an id handed out (before its first write lands).
  void Reserve(SeriesId next_id) ABSL_LOCKS_EXCLUDED(mu_);
  void Set(SeriesId id, int64_t retention_ms, int64_t window_ms)
      ABSL_LOCKS_EXCLUDED(mu_);
  void Erase(SeriesId id) ABSL_LOCKS_EXCLUDED(mu_);

  Verdict Judge(SeriesId id) const ABSL_LOCKS_EXCLUDED(mu_);
  int64_t NowMs() const { return now_ms_(); }

 private:
  std::function<int64_t()> now_ms_;
  mutable absl::Mutex mu_;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  SeriesId next_id_ ABSL_GUARDED_BY(mu_) = 0;
  struct Entry {
    int64_t retention_ms;
    int64_t window_ms;
  };
  absl::flat_hash_map<SeriesId, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_RETENTION_TABLE_H_
