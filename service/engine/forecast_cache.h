// Finished work by "<canonical job>@<revision>": a write changes the
// revision, so stale entries are never hit; they are evicted by size. The
// engine keeps two: fitted models (keyed without the horizon, so that every
// horizon is cut from one fit) and the answers cut from them.
#ifndef TSFORECAST_SERVICE_ENGINE_FORECAST_CACHE_H_
#define TSFORECAST_SERVICE_ENGINE_FORECAST_CACHE_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace tsforecast::service {

template <typename T>
class ForecastCache {
 public:
  explicit ForecastCache(size_t max_entries) : max_entries_(max_entries) {}

  // `count_miss`: false for a look that a full lookup follows on a miss.
  std::shared_ptr<const T> Find(const std::string& key,
                                bool count_miss = true) const
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (count_miss) ++misses_;
      return nullptr;
    }
    ++hits_;
    return it->second;
  }

  void Insert(const std::string& key, std::shared_ptr<const T> value)
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    // Entries of old revisions are never hit again; dropping everything
    // when full is the simplest bound and costs one refit per live key.
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_[key] = std::move(value);
  }

  uint64_t hits() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return hits_;
  }
  uint64_t misses() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return misses_;
  }

 private:
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const T>> entries_
      ABSL_GUARDED_BY(mu_);
  mutable uint64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
  mutable uint64_t misses_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_FORECAST_CACHE_H_
