// Per-token call rates: a token bucket for each key, refilled at the
// token's rate and holding at most one second of calls (at least one), so
// a client may burst briefly but not sustain more than its rate.
#ifndef TSFORECAST_SERVICE_AUTH_RATE_LIMITER_H_
#define TSFORECAST_SERVICE_AUTH_RATE_LIMITER_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tsforecast::service::auth {

class RateLimiter {
 public:
  // Takes one call for `key` at up to `rate_per_s` calls per second
  // (<= 0: unlimited). Returns zero when the call may go ahead, else how
  // long until it could; a refused call takes nothing.
  absl::Duration Admit(absl::string_view key, double rate_per_s,
                       absl::Time now);

  // Forgets every key not in `keep` (tokens removed from the file).
  template <typename Set>
  void Retain(const Set& keep) {
    absl::MutexLock lock(&mu_);
    absl::erase_if(buckets_,
                   [&](const auto& kv) { return !keep.contains(kv.first); });
  }

 private:
  struct Bucket {
    double calls = 0;  // calls that may go now
    absl::Time refilled;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tsforecast::service::auth

#endif  // TSFORECAST_SERVICE_AUTH_RATE_LIMITER_H_
