// Tells watchers when a series changes (its revision moves), for
// WatchForecast. One thread serves every watcher: each tick it looks up
// each watched series once in the store's in-memory catalogue, so ten
// thousand watchers cost ten thousand map lookups per tick and no thread
// each. A burst of writes within one tick is told once.
#ifndef TSFORECAST_SERVICE_ENGINE_REVISION_WATCHER_H_
#define TSFORECAST_SERVICE_ENGINE_REVISION_WATCHER_H_

#include <functional>
#include <string>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/series_store.h"

namespace tsforecast::service {

class RevisionWatcher {
 public:
  // The series' new revision, or why it cannot be watched any more (the
  // series was deleted).
  using Changed = std::function<void(const absl::StatusOr<uint64_t>&)>;

  // `store` must outlive the watcher; `tick` is the longest a change waits
  // to be told.
  RevisionWatcher(storage::SeriesStore* store, absl::Duration tick);
  ~RevisionWatcher();

  // From the next tick on, `changed` is called on the watcher's thread each
  // time the revision of `series` differs from the last one told (at first
  // `known_revision`), and once with the error when the series is gone,
  // after which the watch ends by itself. Returns the watch's id.
  uint64_t Watch(const std::string& series, uint64_t known_revision,
                 Changed changed) ABSL_LOCKS_EXCLUDED(mu_);
  // Ends a watch. A call of its `changed` already under way may still
  // finish; callers keep what it touches alive (a shared state).
  void Unwatch(uint64_t id) ABSL_LOCKS_EXCLUDED(mu_);

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    std::string series;
    uint64_t told = 0;
    Changed changed;
  };
  void Loop();
  void Tick();

  storage::SeriesStore* store_;
  const absl::Duration tick_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  absl::flat_hash_map<uint64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_REVISION_WATCHER_H_
