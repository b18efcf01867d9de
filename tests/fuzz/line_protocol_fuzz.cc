// The line-protocol doors: arbitrary bodies through the parser (every
// precision, with and without a db label), the mapping of each parsed
// series to a stored name, and, when the first byte is odd, the rest
// through the gunzip bound first.
#include <cstddef>
#include <cstdint>
#include <string>

#include "service/ingest/gunzip.h"
#include "service/ingest/line_protocol.h"
#include "service/ingest/pushed_series.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ingest = tsforecast::service::ingest;
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    absl::StatusOr<std::string> inflated = ingest::Gunzip(body, 1 << 20);
    if (!inflated.ok()) return 0;
    body = *std::move(inflated);
  }
  ingest::LineProtocolOptions options;
  options.precision = static_cast<ingest::Precision>((data[0] >> 1) % 6);
  options.db = (data[0] & 8) ? "db" : "";
  ingest::DecodedLines lines = ingest::ParseLineProtocol(body, options);
  for (const ingest::PushedSeries& s : lines.series) {
    (void)ingest::PushedSeriesName(ingest::WithoutEmptyValues(s.labels));
  }
  if (lines.first_error) (void)lines.first_error->ToString();
  return 0;
}
