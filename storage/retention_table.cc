#include "storage/retention_table.h"

#include <algorithm>

namespace tsforecast::storage {

void RetentionTable::MarkReady(SeriesId next_id) {
  absl::MutexLock lock(&mu_);
  ready_ = true;
  next_id_ = std::max(next_id_, next_id);
}

void RetentionTable::Reserve(SeriesId next_id) {
  absl::MutexLock lock(&mu_);
  next_id_ = std::max(next_id_, next_id);
}

void RetentionTable::Set(SeriesId id, int64_t retention_ms, int64_t window_ms) {
  absl::MutexLock lock(&mu_);
  entries_[id] = Entry{retention_ms, window_ms};
}

void RetentionTable::Erase(SeriesId id) {
  absl::MutexLock lock(&mu_);
  entries_.erase(id);
}

RetentionTable::Verdict RetentionTable::Judge(SeriesId id) const {
  Verdict verdict;
  absl::MutexLock lock(&mu_);
  if (!ready_) return verdict;
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    // Ids at or past next_id_ may belong to a series being created now.
    verdict.drop_all = id < next_id_;
    return verdict;
  }
  verdict.window_ms = it->second.window_ms;
  if (it->second.retention_ms > 0) {
    verdict.cutoff_ms = now_ms_() - it->second.retention_ms;
  }
  return verdict;
}

}  // namespace tsforecast::storage
