// Finished forecasts by "<canonical request>@<revision>": a write changes
// the revision, so stale entries are never hit; they are evicted by size.
#ifndef TSFORECAST_SERVICE_FORECAST_CACHE_H_
#define TSFORECAST_SERVICE_FORECAST_CACHE_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "tsforecast/v1/forecast.pb.h"

namespace tsforecast::service {

class ForecastCache {
 public:
  explicit ForecastCache(size_t max_entries) : max_entries_(max_entries) {}
  // `count_miss`: false for a look that a full lookup follows on a miss.
  std::shared_ptr<const tsforecast::v1::ForecastResponse> Find(
      const std::string& key, bool count_miss = true) const
      ABSL_LOCKS_EXCLUDED(mu_);
  void Insert(const std::string& key,
              std::shared_ptr<const tsforecast::v1::ForecastResponse> value)
      ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t hits() const ABSL_LOCKS_EXCLUDED(mu_);
  uint64_t misses() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string,
                      std::shared_ptr<const tsforecast::v1::ForecastResponse>>
      entries_ ABSL_GUARDED_BY(mu_);
  mutable uint64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
  mutable uint64_t misses_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_FORECAST_CACHE_H_
