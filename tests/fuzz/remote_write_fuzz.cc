// The remote-write door's decoder: arbitrary bodies as sent (mostly not
// snappy), and, when the first byte is odd, the rest snappy-compressed
// first so that the fuzzer reaches the protobuf parse and the mapping of
// every decoded series to a stored name.
#include <cstddef>
#include <cstdint>
#include <string>

#include "service/ingest/pushed_series.h"
#include "service/ingest/remote_write.h"
#include "snappy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ingest = tsforecast::service::ingest;
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    std::string compressed;
    snappy::Compress(body.data(), body.size(), &compressed);
    body = std::move(compressed);
  }
  ingest::BodyLimits limits;
  limits.max_decoded_bytes = 1 << 20;
  absl::StatusOr<ingest::DecodedRemoteWrite> decoded =
      ingest::DecodeRemoteWrite(body, limits);
  if (!decoded.ok()) return 0;
  for (const ingest::PushedSeries& s : decoded->series) {
    (void)ingest::PushedSeriesName(ingest::WithoutEmptyValues(s.labels));
    (void)ingest::PromSeriesText(s.labels);
  }
  return 0;
}
