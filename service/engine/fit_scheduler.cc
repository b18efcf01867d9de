#include "service/engine/fit_scheduler.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "service/retry_hint.h"

namespace tsforecast::service {

FitPool::FitPool(int workers, int max_waiting)
    : workers_(std::max(1, workers)), max_waiting_(max_waiting) {
  for (int i = 0; i < workers_; ++i) {
    threads_.emplace_back([this] { Work(/*cheap_only=*/false); });
  }
  threads_.emplace_back([this] { Work(/*cheap_only=*/true); });
}

FitPool::~FitPool() {
  std::vector<Done> refused;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (std::deque<Job>* queue : {&cheap_, &expensive_}) {
      for (const Job& job : *queue) {
        auto it = flights_.find(job.key);
        for (Done& d : it->second) refused.push_back(std::move(d));
        flights_.erase(it);
      }
      queue->clear();
    }
  }
  for (Done& d : refused) {
    d(absl::UnavailableError("the server is shutting down; retry elsewhere"));
  }
  for (std::thread& t : threads_) t.join();
}

void FitPool::Submit(const std::string& key, absl::Time deadline,
                     Compute compute, Done done, Cost cost) {
  absl::Status refused;
  {
    absl::MutexLock lock(&mu_);
    std::deque<Job>& queue = cost == Cost::kCheap ? cheap_ : expensive_;
    // Workers free to start a job of this cost now (the cheap jobs' own
    // worker counts for cheap jobs only).
    const int idle =
        (cost == Cost::kCheap ? static_cast<int>(threads_.size()) : workers_) -
        running_;
    auto it = flights_.find(key);
    if (stopping_) {
      refused = absl::UnavailableError("the server is shutting down");
    } else if (it != flights_.end()) {
      // Someone computes this already: share their answer.
      ++shared_;
      it->second.push_back(std::move(done));
      return;
    } else if (static_cast<int>(queue.size()) >=
               max_waiting_ + std::max(0, idle)) {
      refused = WithRetryAfter(
          absl::ResourceExhaustedError(absl::StrCat(
              "forecast queue is full (", queue.size(),
              " waiting, server flag --max_waiting_fits); retry with "
              "backoff")),
          absl::Seconds(1));
    } else {
      flights_[key].push_back(std::move(done));
      queue.push_back(Job{key, deadline, std::move(compute)});
      return;
    }
  }
  done(refused);
}

void FitPool::Work(bool cheap_only) {
  for (;;) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this, cheap_only]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || !cheap_.empty() ||
               (!cheap_only && !expensive_.empty());
      };
      mu_.Await(absl::Condition(&ready));
      // Cheap first: a job of milliseconds waits for none of minutes.
      std::deque<Job>* queue = !cheap_.empty() ? &cheap_
                               : cheap_only    ? nullptr
                                               : &expensive_;
      if (queue == nullptr || queue->empty()) return;  // stopping
      job = std::move(queue->front());
      queue->pop_front();
      ++running_;
    }
    const Result result =
        absl::Now() > job.deadline
            ? Result(absl::DeadlineExceededError(
                  "deadline passed while the forecast waited for a worker"))
            : job.compute();
    std::vector<Done> waiters;
    {
      absl::MutexLock lock(&mu_);
      --running_;
      auto it = flights_.find(job.key);
      waiters = std::move(it->second);
      flights_.erase(it);
    }
    for (Done& d : waiters) d(result);
  }
}

uint64_t FitPool::shared_results() const {
  absl::MutexLock lock(&mu_);
  return shared_;
}

int FitPool::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

int FitPool::waiting() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(cheap_.size() + expensive_.size());
}

}  // namespace tsforecast::service
