#include "service/ingest_budget.h"

#include "absl/strings/str_cat.h"
#include "service/retry_hint.h"

namespace tsforecast::service {

IngestBudget::Lease::~Lease() {
  if (owner_ != nullptr) owner_->Release(bytes_);
}

absl::StatusOr<IngestBudget::Lease> IngestBudget::Acquire(int64_t bytes) {
  if (limit_ <= 0) return Lease();
  absl::MutexLock lock(&mu_);
  if (in_flight_ > 0 && in_flight_ + bytes > limit_) {
    ++refused_;
    return WithRetryAfter(
        absl::ResourceExhaustedError(absl::StrCat(
            "the server is storing ", in_flight_ >> 20,
            " MiB of writes already (", "budget ", limit_ >> 20,
            " MiB, server flag --max_ingest_inflight_mb) and this request "
            "needs ",
            (bytes + (1 << 20) - 1) >> 20,
            " MiB more; retry after a short backoff (100 ms or more), or send "
            "smaller requests")),
        absl::Milliseconds(100));
  }
  in_flight_ += bytes;
  return Lease(this, bytes);
}

void IngestBudget::Release(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  in_flight_ -= bytes;
}

int64_t IngestBudget::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

uint64_t IngestBudget::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

}  // namespace tsforecast::service
