// Prometheus Remote-Write 1.0 requests, decoded: the headers checked, the
// snappy block decompressed within a size limit, the protobuf
// WriteRequest (proto/prometheus_wire/remote.proto) turned into
// pushed series and metadata. Bounded by the limits below before any work
// that grows with the input; fuzzed (tests/fuzz/remote_write_fuzz.cc).
#ifndef TSFORECAST_SERVICE_INGEST_REMOTE_WRITE_H_
#define TSFORECAST_SERVICE_INGEST_REMOTE_WRITE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/ingest/metric_metadata.h"
#include "service/ingest/pushed_series.h"

namespace tsforecast::service::ingest {

struct DecodedRemoteWrite {
  std::vector<PushedSeries> series;
  std::vector<std::pair<std::string, MetricMetadata>> metadata;
  // Parts we do not store, counted so that the answer can name them.
  uint64_t exemplars = 0;
  uint64_t histograms = 0;
  std::string first_histogram_series;  // Prometheus text form
};

// The request's headers. UNIMPLEMENTED (answered 415) for another content
// type or encoding, or for Remote-Write 2.0, saying that 1.0 is served.
// `version` is X-Prometheus-Remote-Write-Version, possibly empty.
absl::Status CheckRemoteWriteHeaders(absl::string_view content_type,
                                     absl::string_view content_encoding,
                                     absl::string_view version);

// A snappy block body (remote write and remote read), decompressed within
// `limits`: OUT_OF_RANGE (413) past one, checked before decompressing;
// INVALID_ARGUMENT for a body that is not snappy.
absl::StatusOr<std::string> UnsnappyBody(absl::string_view body,
                                         const BodyLimits& limits);

// The body. OUT_OF_RANGE (413) past a size limit, INVALID_ARGUMENT (400)
// for a body that is not snappy or not a WriteRequest.
absl::StatusOr<DecodedRemoteWrite> DecodeRemoteWrite(absl::string_view body,
                                                     const BodyLimits& limits);

}  // namespace tsforecast::service::ingest

#endif  // TSFORECAST_SERVICE_INGEST_REMOTE_WRITE_H_
