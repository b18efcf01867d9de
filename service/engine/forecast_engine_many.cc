// ForecastEngine: one job over many series (ForecastMany), as many in
// flight as there are workers, so a call uses every core without filling
// the shared queue.
#include <deque>

#include "absl/synchronization/mutex.h"
#include "service/engine/forecast_engine.h"

namespace tsforecast::service {

// Shared with the workers, which may finish after the batch is gone.
struct ForecastEngine::Batch::Shared {
  absl::Mutex mu;
  std::deque<Item> ready ABSL_GUARDED_BY(mu);
  int in_flight ABSL_GUARDED_BY(mu) = 0;
  bool cancelled ABSL_GUARDED_BY(mu) = false;
};

std::unique_ptr<ForecastEngine::Batch> ForecastEngine::ForecastEach(
    const ForecastJob& job, std::vector<std::string> series,
    absl::Time deadline) {
  return std::unique_ptr<Batch>(
      new Batch(this, job, std::move(series), deadline));
}

ForecastEngine::Batch::Batch(ForecastEngine* engine, ForecastJob job,
                             std::vector<std::string> series,
                             absl::Time deadline)
    : engine_(engine),
      job_(std::move(job)),
      series_(std::move(series)),
      deadline_(deadline),
      shared_(std::make_shared<Shared>()) {}

void ForecastEngine::Batch::StartMore() {
  const int window = engine_->scheduler().workers();
  for (;;) {
    ForecastJob one = job_;
    {
      absl::MutexLock lock(&shared_->mu);
      if (shared_->cancelled || next_ >= series_.size() ||
          shared_->in_flight >= window) {
        return;
      }
      ++shared_->in_flight;
      one.series = series_[next_++];
    }
    // Every series gets a whole forecast, whatever the caller knew.
    one.known_revision = 0;
    engine_->Forecast(one, deadline_,
                      [shared = shared_, name = one.series](const Result& r) {
                        absl::MutexLock lock(&shared->mu);
                        shared->ready.push_back(Item{name, r});
                        --shared->in_flight;
                      });
  }
}

std::vector<ForecastEngine::Batch::Item> ForecastEngine::Batch::Take(
    absl::Duration wait) {
  StartMore();
  std::vector<Item> out;
  absl::MutexLock lock(&shared_->mu);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
    return !shared_->ready.empty() || shared_->in_flight == 0;
  };
  shared_->mu.AwaitWithTimeout(absl::Condition(&ready), wait);
  for (Item& item : shared_->ready) out.push_back(std::move(item));
  shared_->ready.clear();
  return out;
}

void ForecastEngine::Batch::Cancel() {
  absl::MutexLock lock(&shared_->mu);
  shared_->cancelled = true;
}

bool ForecastEngine::Batch::done() const {
  absl::MutexLock lock(&shared_->mu);
  return shared_->ready.empty() && shared_->in_flight == 0 &&
         (shared_->cancelled || next_ >= series_.size());
}

}  // namespace tsforecast::service
