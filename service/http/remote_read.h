// Prometheus remote read (POST /api/v1/read): a snappy ReadRequest of
// queries (label matchers and an inclusive time range) answered with the
// stored points of every matching series as a snappy ReadResponse (the
// SAMPLES response type), so that a Prometheus with `remote_read` pointed
// here evaluates any PromQL over our data (docs/prometheus.md).
// STREAMED_XOR_CHUNKS is not served: a request that accepts only it gets
// 400 naming SAMPLES. Bounded by the body limits of remote write and by a
// total of samples per request (Prometheus' own default, 50 million).
#ifndef TSFORECAST_SERVICE_HTTP_REMOTE_READ_H_
#define TSFORECAST_SERVICE_HTTP_REMOTE_READ_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "service/http/http_message.h"
#include "service/ingest/pushed_series.h"
#include "storage/series_store.h"

namespace tsforecast::service::http {

struct RemoteReadQuery {
  std::vector<storage::LabelMatcher> matchers;
  storage::TimeRange range;  // half-open, from the inclusive one sent
};

// The queries of a ReadRequest body. OUT_OF_RANGE past the limits,
// INVALID_ARGUMENT for a body that is not a snappy ReadRequest, for a
// matcher of no known type, or for a request that does not accept
// SAMPLES.
absl::StatusOr<std::vector<RemoteReadQuery>> DecodeReadRequest(
    absl::string_view body, const ingest::BodyLimits& limits);

class RemoteReadApi {
 public:
  RemoteReadApi(storage::SeriesStore* store, ingest::BodyLimits limits,
                int64_t max_samples)
      : store_(store), limits_(limits), max_samples_(max_samples) {}

  void Read(const HttpRequest& req, HttpResponse& res) const;

 private:
  storage::SeriesStore* store_;
  const ingest::BodyLimits limits_;
  const int64_t max_samples_;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_REMOTE_READ_H_
