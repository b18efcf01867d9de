// Series that arrive through the push doors (Prometheus remote write,
// InfluxDB line protocol) are named by a metric name and labels, not by a
// name of ours. This is how such a series maps to a stored one
// (docs/http_api.md, "Pushed series"):
//
// - The metric name becomes the series' `__name__` label, which PromQL and
//   selectors use (storage::SelectableLabels); the other labels stay as
//   they are. Empty label values are dropped, as Prometheus treats them as
//   absent.
// - The stored name is the metric name alone when there are no other
//   labels ("up"), else the metric name, ':' and 16 hex digits of a stable
//   64-bit hash of the other labels ("up:7c1e0d4a9b2f3e61"), so that it is
//   deterministic, fits our name syntax and needs no lookup table. Two
//   label sets with the same hash are told apart on write: the second is
//   refused, naming both.
// - A series is created on its first write with the push definition
//   (PushDefaults): points stay at their own timestamps (off-grid
//   `accept`), and the step is what reads at a step and forecasts
//   aggregate them to: the cadence of the first write's points when it
//   brings at least three (InferredStep), else the default (1m).
#ifndef TSFORECAST_SERVICE_INGEST_PUSHED_SERIES_H_
#define TSFORECAST_SERVICE_INGEST_PUSHED_SERIES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/calendar_step.h"
#include "storage/types.h"

namespace tsforecast::service::ingest {

// One series' part of a push request.
struct PushedSeries {
  // "__name__" and the other labels, as sent.
  storage::Labels labels;
  std::vector<storage::Point> points;
  // Why the decoder refuses the series before it is looked at (duplicate
  // label names, say); empty when it does not.
  std::string invalid;
};

// Sizes of a push request's body: as sent, and once decompressed (413
// past either).
struct BodyLimits {
  size_t max_compressed_bytes = 16 << 20;
  size_t max_decoded_bytes = 32 << 20;
};

// What a series created by a push gets.
struct PushDefaults {
  CalendarStep step = CalendarStep(StepUnit::kMinute, 1);
  int64_t retention_ms = 0;  // 0: keep forever
};

// The stored name of a pushed series. INVALID_ARGUMENT when the labels
// cannot name one (no or a bad metric name, a bad label name or value, a
// name too long); the message says which label and why.
absl::StatusOr<std::string> PushedSeriesName(const storage::Labels& labels);

// The same name without the checks, for a name already known to be
// stored; nullopt without a metric name.
std::optional<std::string> UncheckedPushedSeriesName(
    const storage::Labels& labels);

// `labels` without empty values (Prometheus' absent labels).
storage::Labels WithoutEmptyValues(storage::Labels labels);

// The calendar step nearest the cadence of `points` (their median gap,
// compared on a log scale with 1s, 5s, 10s, 15s, 30s, 1m, 5m, 10m, 15m,
// 30m, 1h, 1d, 1w, 1mo, 1q, 1y and taken when within a factor of 1.25),
// or nullopt: fewer than three distinct times, or no step that near (a
// 20-minute cadence, say). Points in any order.
std::optional<CalendarStep> InferredStep(
    const std::vector<storage::Point>& points);

// `series{a="b"}`, the Prometheus text form, for messages.
std::string PromSeriesText(const storage::Labels& labels);

// The definition a pushed series is created with.
storage::SeriesDefinition PushedDefinition(const std::string& name,
                                           const storage::Labels& labels,
                                           const PushDefaults& defaults);

}  // namespace tsforecast::service::ingest

#endif  // TSFORECAST_SERVICE_INGEST_PUSHED_SERIES_H_
