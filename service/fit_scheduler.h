// Runs CPU-heavy fits with a bound on how many run at once and how many may
// wait, and lets identical concurrent requests share one fit
// ("single flight"): the first caller computes, the others wait for its
// result. A full queue is RESOURCE_EXHAUSTED with a retry hint; a caller
// whose deadline passes while waiting gets DEADLINE_EXCEEDED.
#ifndef TSFORECAST_SERVICE_FIT_SCHEDULER_H_
#define TSFORECAST_SERVICE_FIT_SCHEDULER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tsforecast/v1/forecast.pb.h"

namespace tsforecast::service {

class FitScheduler {
 public:
  using Result = absl::StatusOr<std::shared_ptr<const v1::ForecastResponse>>;

  // `max_running` fits at once (>= 1); at most `max_waiting` callers queue.
  FitScheduler(int max_running, int max_waiting)
      : max_running_(max_running), max_waiting_(max_waiting) {}

  // Runs `compute` for `key` unless an identical computation is in flight,
  // in which case its result is shared. `deadline` bounds the wait for a
  // slot (absl::InfiniteFuture() for none).
  Result Run(const std::string& key, absl::Time deadline,
             const std::function<Result()>& compute) ABSL_LOCKS_EXCLUDED(mu_);

  uint64_t shared_results() const ABSL_LOCKS_EXCLUDED(mu_);
  int running() const ABSL_LOCKS_EXCLUDED(mu_);
  int waiting() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Flight {
    bool done = false;
    Result result = absl::UnknownError("not finished");
  };

  const int max_running_;
  const int max_waiting_;
  mutable absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t shared_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_FIT_SCHEDULER_H_
