#include "service/fit_scheduler.h"

#include "absl/strings/str_cat.h"

namespace tsforecast::service {

FitScheduler::Result FitScheduler::Run(const std::string& key,
                                       absl::Time deadline,
                                       const std::function<Result()>& compute) {
  std::shared_ptr<Flight> flight;
  {
    absl::MutexLock lock(&mu_);
    auto it = flights_.find(key);
    if (it != flights_.end()) {
      // Someone computes this already: wait for their answer.
      flight = it->second;
      ++shared_;
      auto done = [&flight]() { return flight->done; };
      mu_.AwaitWithDeadline(absl::Condition(&done), deadline);
      if (!flight->done) {
        return absl::DeadlineExceededError(
            "deadline passed while waiting for an identical forecast");
      }
      return flight->result;
    }
    if (running_ >= max_running_ && waiting_ >= max_waiting_) {
      return absl::ResourceExhaustedError(
          absl::StrCat("forecast queue is full (", waiting_,
                       " waiting); retry with backoff"));
    }
    flight = std::make_shared<Flight>();
    flights_[key] = flight;
    ++waiting_;
    auto slot = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return running_ < max_running_;
    };
    mu_.AwaitWithDeadline(absl::Condition(&slot), deadline);
    --waiting_;
    if (running_ >= max_running_) {
      flight->done = true;
      flight->result = absl::DeadlineExceededError(
          "deadline passed while the forecast waited for a worker");
      flights_.erase(key);
      return flight->result;
    }
    ++running_;
  }
  Result result = compute();
  absl::MutexLock lock(&mu_);
  --running_;
  flight->result = result;
  flight->done = true;
  flights_.erase(key);
  return result;
}

uint64_t FitScheduler::shared_results() const {
  absl::MutexLock lock(&mu_);
  return shared_;
}

int FitScheduler::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

int FitScheduler::waiting() const {
  absl::MutexLock lock(&mu_);
  return waiting_;
}

}  // namespace tsforecast::service
