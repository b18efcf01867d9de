// The InfluxDB line protocol (1.x and 2.x write endpoints), parsed into
// pushed series (pushed_series.h):
//
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
//
// with the specification's escaping: `\,` and `\ ` in measurements; `\,`,
// `\=` and `\ ` in tag keys, tag values and field keys; `\"` and `\\` in
// quoted string field values (which may span lines); a backslash before
// any other character is itself. Field values: floats (`1`, `-1.5e3`),
// integers (`1i`), unsigned integers (`1u`), booleans (`t`, `true`, `F`,
// ...) and strings (`"text"`). Lines starting with `#` and blank lines are
// skipped.
//
// Mapping (as VictoriaMetrics does; docs/http_api.md, "Push: InfluxDB line
// protocol"): each numeric or boolean field becomes the series with metric
// name `<measurement>_<field>` and the tags as labels, plus `db` (the 1.x
// `db` or 2.x `bucket` parameter) unless the line has its own `db` tag.
// Booleans are stored as 1 and 0; string fields are not numbers and are
// skipped (counted). Characters a Prometheus name cannot hold become `_`
// (a leading digit gets a `_` before it; a tag key starting with `__`
// gets `tag_` before it, as `__` names are reserved).
//
// Parsing is linear in the body; a bad line is refused alone, naming its
// line and column, and the rest are kept (a partial write). Fuzzed:
// tests/fuzz/line_protocol_fuzz.cc.
#ifndef TSFORECAST_SERVICE_INGEST_LINE_PROTOCOL_H_
#define TSFORECAST_SERVICE_INGEST_LINE_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "service/ingest/pushed_series.h"

namespace tsforecast::service::ingest {

// The unit of line-protocol timestamps.
enum class Precision { kNanos, kMicros, kMillis, kSeconds, kMinutes, kHours };

// 1.x: n, ns, u, us, ms, s, m, h (default n); 2.x: ns, us, ms, s (default
// ns). INVALID_ARGUMENT naming the accepted values otherwise.
absl::StatusOr<Precision> ParsePrecision(absl::string_view text, bool v2);

struct LineProtocolOptions {
  Precision precision = Precision::kNanos;
  // The time of lines without a timestamp (the request's arrival), ms.
  int64_t now_ms = 0;
  // The `db` label's value; empty: none.
  std::string db;
};

struct LineError {
  size_t line = 0;    // 1-based
  size_t column = 0;  // 1-based, in bytes
  std::string message;
  // "line 3, column 14: missing field value"
  std::string ToString() const;
};

struct DecodedLines {
  std::vector<PushedSeries> series;
  uint64_t lines = 0;          // lines with a point (not blank or comments)
  uint64_t bad_lines = 0;      // refused by the parser
  uint64_t string_fields = 0;  // skipped
  std::optional<LineError> first_error;
};

DecodedLines ParseLineProtocol(absl::string_view body,
                               const LineProtocolOptions& options);

}  // namespace tsforecast::service::ingest

#endif  // TSFORECAST_SERVICE_INGEST_LINE_PROTOCOL_H_
