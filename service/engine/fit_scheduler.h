// The bounded worker pool for CPU-heavy work (fits, backtests): a fixed
// number of worker threads and bounded queues, so that no request starts
// a thread of its own. Jobs come in two costs: cheap ones (a closed-form
// model such as naive, one pass over the series) have their own queue, a
// worker of their own, and go first on the shared workers, so that a
// dashboard's naive forecast is never stuck behind minutes of ARIMA fits.
// Identical concurrent requests share one computation
// ("single flight"): the first caller's computation runs, the others are
// told its result. A full queue is RESOURCE_EXHAUSTED with a retry hint; a
// job whose deadline passes while queued is DEADLINE_EXCEEDED without
// running. The pool is generic over what a job computes: FitPool shares
// untyped results, FitScheduler<T> is the typed face the engine uses.
#ifndef TSFORECAST_SERVICE_ENGINE_FIT_SCHEDULER_H_
#define TSFORECAST_SERVICE_ENGINE_FIT_SCHEDULER_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace tsforecast::service {

class FitPool {
 public:
  using Result = absl::StatusOr<std::shared_ptr<const void>>;
  using Compute = std::function<Result()>;
  using Done = std::function<void(const Result&)>;
  enum class Cost { kCheap, kExpensive };

  // `workers` threads (>= 1) for any job plus one for cheap jobs only; at
  // most `max_waiting` jobs of each cost queue beyond the ones running.
  FitPool(int workers, int max_waiting);
  // Jobs still queued are told UNAVAILABLE; running ones finish first.
  ~FitPool();

  // Runs `compute` for `key` on a worker, unless an identical computation
  // is queued or running, whose result is then shared. `done` is called
  // exactly once: on a worker thread, or on the caller's thread when the
  // job is refused. `deadline` bounds the time in the queue.
  void Submit(const std::string& key, absl::Time deadline, Compute compute,
              Done done, Cost cost = Cost::kExpensive) ABSL_LOCKS_EXCLUDED(mu_);

  uint64_t shared_results() const ABSL_LOCKS_EXCLUDED(mu_);
  int running() const ABSL_LOCKS_EXCLUDED(mu_);
  // Jobs queued, of both costs.
  int waiting() const ABSL_LOCKS_EXCLUDED(mu_);
  // The workers that take any job.
  int workers() const { return workers_; }

 private:
  struct Job {
    std::string key;
    absl::Time deadline;
    Compute compute;
  };
  // A worker's loop; `cheap_only` for the cheap jobs' own worker.
  void Work(bool cheap_only);

  const int workers_;
  const int max_waiting_;
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t shared_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Job> cheap_ ABSL_GUARDED_BY(mu_);
  std::deque<Job> expensive_ ABSL_GUARDED_BY(mu_);
  // Who waits for each queued or running key.
  absl::flat_hash_map<std::string, std::vector<Done>> flights_
      ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

// Calls `start` with a Done and waits for it until `deadline`; when the
// deadline passes first, DEADLINE_EXCEEDED saying `late`. The Done may
// still come after the caller gave up; it then touches nothing of the
// caller's.
template <typename Result>
Result AwaitResult(
    const std::function<void(std::function<void(const Result&)>)>& start,
    absl::Time deadline, absl::string_view late) {
  struct Outcome {
    absl::Notification done;
    Result result = absl::UnknownError("not finished");
  };
  auto outcome = std::make_shared<Outcome>();
  start([outcome](const Result& r) {
    outcome->result = r;
    outcome->done.Notify();
  });
  if (!outcome->done.WaitForNotificationWithDeadline(deadline)) {
    return absl::DeadlineExceededError(late);
  }
  return outcome->result;
}

// FitPool for jobs that compute a shared, immutable T.
template <typename T>
class FitScheduler {
 public:
  using Result = absl::StatusOr<std::shared_ptr<const T>>;
  using Compute = std::function<Result()>;
  using Done = std::function<void(const Result&)>;
  using Cost = FitPool::Cost;

  FitScheduler(int workers, int max_waiting) : pool_(workers, max_waiting) {}

  // FitPool::Submit, typed.
  void Submit(const std::string& key, absl::Time deadline, Compute compute,
              Done done, Cost cost = Cost::kExpensive) {
    pool_.Submit(
        key, deadline,
        [compute = std::move(compute)]() -> FitPool::Result {
          Result r = compute();
          if (!r.ok()) return r.status();
          return std::shared_ptr<const void>(std::move(*r));
        },
        [done = std::move(done)](const FitPool::Result& r) {
          if (!r.ok()) return done(r.status());
          done(std::static_pointer_cast<const T>(*r));
        },
        cost);
  }

  // Submit, waiting for the result; DEADLINE_EXCEEDED when `deadline`
  // passes first (absl::InfiniteFuture() for none). The job may then still
  // run: `compute` must not refer to the caller's frame.
  Result Run(const std::string& key, absl::Time deadline,
             const Compute& compute, Cost cost = Cost::kExpensive) {
    return AwaitResult<Result>(
        [&](Done done) {
          Submit(key, deadline, compute, std::move(done), cost);
        },
        deadline, "deadline passed while the forecast waited for a worker");
  }

  uint64_t shared_results() const { return pool_.shared_results(); }
  int running() const { return pool_.running(); }
  int waiting() const { return pool_.waiting(); }
  int workers() const { return pool_.workers(); }

 private:
  FitPool pool_;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_ENGINE_FIT_SCHEDULER_H_
