#include "service/grpc/stream_watchdog.h"

#include "common/log.h"

namespace tsforecast::service {

StreamWatchdog::StreamWatchdog(absl::Duration limit) : limit_(limit) {
  if (limit_ > absl::ZeroDuration()) thread_ = std::thread([this] { Loop(); });
}

StreamWatchdog::~StreamWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<StreamWatchdog::Step> StreamWatchdog::Begin(
    grpc::ServerContextBase* context, const char* what) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = ++next_id_;
  if (limit_ > absl::ZeroDuration()) {
    steps_[id] = Watched{context, absl::Now(), what};
  }
  return std::unique_ptr<Step>(new Step(this, id));
}

StreamWatchdog::Step::~Step() {
  absl::MutexLock lock(&owner_->mu_);
  owner_->steps_.erase(id_);
}

uint64_t StreamWatchdog::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

void StreamWatchdog::Loop() {
  // Checks a few times per limit: a stalled call ends within 1.25 limits.
  const absl::Duration tick = limit_ / 4;
  absl::MutexLock lock(&mu_);
  auto stopping = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
  while (!mu_.AwaitWithTimeout(absl::Condition(&stopping), tick)) {
    const absl::Time now = absl::Now();
    for (auto it = steps_.begin(); it != steps_.end();) {
      if (now - it->second.since > limit_) {
        TSF_LOG(WARNING) << "cancelling a stalled stream: " << it->second.what
                         << " waited over " << absl::FormatDuration(limit_);
        it->second.context->TryCancel();
        ++cancelled_;
        steps_.erase(it++);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace tsforecast::service
