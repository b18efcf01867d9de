#include "service/forecast_cache.h"

namespace tsforecast::service {

std::shared_ptr<const v1::ForecastResponse> ForecastCache::Find(
    const std::string& key, bool count_miss) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (count_miss) ++misses_;
    return nullptr;
  }
  ++hits_;
  return it->second;
}

void ForecastCache::Insert(const std::string& key,
                           std::shared_ptr<const v1::ForecastResponse> value) {
  absl::MutexLock lock(&mu_);
  // Entries of old revisions are never hit again; dropping everything when
  // full is the simplest bound and costs one refit per live key.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key] = std::move(value);
}

uint64_t ForecastCache::hits() const {
  absl::MutexLock lock(&mu_);
  return hits_;
}

uint64_t ForecastCache::misses() const {
  absl::MutexLock lock(&mu_);
  return misses_;
}

}  // namespace tsforecast::service
