// Stores what the push doors decoded (remote write, line protocol): maps
// each series to a stored one (pushed_series.h), creates it when missing,
// and writes every valid part, refusing bad parts by themselves (a partial
// write) rather than the whole request. Re-sending a request is harmless:
// a point at a timestamp already stored replaces it with the same value.
#ifndef TSFORECAST_SERVICE_INGEST_PUSH_WRITER_H_
#define TSFORECAST_SERVICE_INGEST_PUSH_WRITER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "service/access.h"
#include "service/auth/rate_limiter.h"
#include "service/ingest/pushed_series.h"
#include "service/ingest_budget.h"
#include "storage/series_store.h"

namespace tsforecast::service::ingest {

struct PushLimits {
  // Pushes create no series once the store holds this many (a cardinality
  // cap: a label with a request id in it would otherwise create a series
  // per request).
  int64_t max_series = 1'000'000;
  // Series each token (or, with access control off, all callers together)
  // may create per second through the push doors, with a burst of one
  // second's worth.
  double new_series_per_s = 10000;
};

// What a push stored and what it refused.
struct PushReport {
  uint64_t points_written = 0;
  uint32_t series_created = 0;
  // Prometheus' staleness markers: not values, so not stored.
  uint64_t stale_markers = 0;
  // Samples refused (not finite, time out of range) and series refused
  // whole (bad labels, out of scope, a cap reached); the first refusal in
  // words, naming its series.
  uint64_t samples_refused = 0;
  uint64_t series_refused = 0;
  std::string first_refusal;
  // A refusal that passes by itself (the creation rate): the sender
  // should retry the request later rather than drop it.
  bool retry_later = false;

  bool partial() const { return samples_refused > 0 || series_refused > 0; }
  // Records a refusal of `series` (Prometheus text) for `why`.
  void RefuseSeries(const storage::Labels& series, absl::string_view why);
  void RefuseSamples(const storage::Labels& series, uint64_t count,
                     absl::string_view why);
};

class PushWriter {
 public:
  // None is owned; `budget` may be null.
  PushWriter(storage::SeriesStore* store, const Access* access,
             IngestBudget* budget, PushDefaults defaults, PushLimits limits)
      : store_(store),
        access_(access),
        budget_(budget),
        defaults_(defaults),
        limits_(limits) {}

  // The report of what was stored and refused. Errors when nothing could
  // be tried, all retryable: RESOURCE_EXHAUSTED with a retry hint when the
  // ingest budget is full, UNAVAILABLE or RESOURCE_EXHAUSTED from a store
  // that takes no writes now.
  absl::StatusOr<PushReport> Write(const Caller& caller,
                                   std::vector<PushedSeries> series);

 private:
  // Names of pushed series already checked against the store: they exist,
  // with the labels that name them, and take points at their own times.
  // A push to one skips the lookup (the bulk of a push's cost when each
  // series brings one point). For unscoped callers only; emptied when it
  // reaches kMaxKnown names, and after a write that finds one deleted.
  // A pushed series relabelled through the API keeps its pushes (it is
  // the series of that name).
  bool Known(const std::string& name);
  void Remember(const std::vector<std::string>& names);
  void Forget();

  static constexpr size_t kMaxKnown = size_t{1} << 20;

  storage::SeriesStore* store_;
  const Access* access_;
  IngestBudget* budget_;
  const PushDefaults defaults_;
  const PushLimits limits_;
  auth::RateLimiter creations_;
  absl::Mutex known_mu_;
  absl::flat_hash_set<std::string> known_ ABSL_GUARDED_BY(known_mu_);
};

}  // namespace tsforecast::service::ingest

#endif  // TSFORECAST_SERVICE_INGEST_PUSH_WRITER_H_
