#include "service/auth/rate_limiter.h"

#include <algorithm>

namespace tsforecast::service::auth {

absl::Duration RateLimiter::Admit(absl::string_view key, double rate_per_s,
                                  absl::Time now) {
  if (!(rate_per_s > 0)) return absl::ZeroDuration();
  const double burst = std::max(1.0, rate_per_s);
  absl::MutexLock lock(&mu_);
  auto [it, fresh] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (fresh) {
    b.calls = burst;
  } else if (now > b.refilled) {
    b.calls = std::min(
        burst, b.calls + absl::ToDoubleSeconds(now - b.refilled) * rate_per_s);
  }
  b.refilled = std::max(b.refilled, now);
  if (b.calls >= 1) {
    b.calls -= 1;
    return absl::ZeroDuration();
  }
  // Round up so that a client waiting this long is admitted.
  return absl::Ceil(absl::Seconds((1 - b.calls) / rate_per_s),
                    absl::Milliseconds(1));
}

}  // namespace tsforecast::service::auth
