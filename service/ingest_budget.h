// A server-wide budget of bytes held by write requests being stored. gRPC's
// ResourceQuota bounds the buffers of messages still arriving; once a
// request is parsed, its decoded points (and the store's batch built from
// them) live outside that quota until the write returns. This budget bounds
// that part: a write that would take the total past it is refused at once
// with RESOURCE_EXHAUSTED and a retry hint, rather than queued.
#ifndef TSFORECAST_SERVICE_INGEST_BUDGET_H_
#define TSFORECAST_SERVICE_INGEST_BUDGET_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace tsforecast::service {

// What one written point holds while it is stored: the decoded request (a
// timestamp and a value), the store's copy of it, and its encoded form in
// the store's write batch, with room for the containers' slack.
inline constexpr int64_t kIngestBytesPerPoint = 48;

class IngestBudget {
 public:
  // `limit_bytes` <= 0: no budget.
  explicit IngestBudget(int64_t limit_bytes) : limit_(limit_bytes) {}
  IngestBudget(const IngestBudget&) = delete;
  IngestBudget& operator=(const IngestBudget&) = delete;

  // Bytes held while one write is stored; returned when it goes.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept : owner_(other.owner_), bytes_(other.bytes_) {
      other.owner_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();

   private:
    friend class IngestBudget;
    Lease(IngestBudget* owner, int64_t bytes) : owner_(owner), bytes_(bytes) {}
    IngestBudget* owner_ = nullptr;
    int64_t bytes_ = 0;
  };

  // Takes `bytes` for one write. A write larger than the whole budget is
  // let through when nothing else is held, so that any request the
  // per-request limits accept can be stored on an idle server.
  absl::StatusOr<Lease> Acquire(int64_t bytes);

  int64_t in_flight() const;
  int64_t limit() const { return limit_; }
  // Writes refused so far.
  uint64_t refused() const;

 private:
  void Release(int64_t bytes);

  const int64_t limit_;
  mutable absl::Mutex mu_;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tsforecast::service

#endif  // TSFORECAST_SERVICE_INGEST_BUDGET_H_
