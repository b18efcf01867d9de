// Domain words of the storage layer.
#ifndef TSFORECAST_STORAGE_TYPES_H_
#define TSFORECAST_STORAGE_TYPES_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/calendar_step.h"

namespace tsforecast::storage {

// Internal series identifier; never reused after a series is deleted.
using SeriesId = uint64_t;

struct Point {
  int64_t timestamp_ms = 0;  // milliseconds since the Unix epoch, UTC
  double value = 0;          // always finite
  friend bool operator==(const Point&, const Point&) = default;
};

// Half-open [start_ms, end_ms).
struct TimeRange {
  int64_t start_ms = std::numeric_limits<int64_t>::min();
  int64_t end_ms = std::numeric_limits<int64_t>::max();
  bool Contains(int64_t ts) const { return ts >= start_ms && ts < end_ms; }
  bool Empty() const { return start_ms >= end_ms; }
  friend bool operator==(const TimeRange&, const TimeRange&) = default;
};

enum class ValueKind : uint8_t { kLevel = 1, kFlow = 2 };

// What a write does with a point that is not at a step start of the
// series' calendar (a mid-month date in a monthly series, a Saturday in a
// business-day one).
enum class OffGridPolicy : uint8_t {
  kReject = 1,     // the write fails, naming the point (new series' default)
  kSnapStart = 2,  // the point moves to the start of the step containing it
  // The point marks the end of the step it measures: it moves to the start
  // of the step containing it, or of the step before when it lies exactly
  // on a step start (a month-end or next-month-start stamp for a month).
  kSnapEnd = 3,
  // Stored at its own time; reads and forecasts aggregate it into its step
  // (series created before policies existed).
  kAccept = 4,
};

using Labels = std::map<std::string, std::string>;

// What a user says about a series.
// The values a series can take (SeriesDefinition::bounds). Stored as one
// byte: the numbers are the format.
enum class ValueBounds : uint8_t {
  kInferred = 0,  // from the history, by whoever reads it
  kUnbounded = 1,
  kNonnegative = 2,
  kPositive = 3,
};

struct SeriesDefinition {
  std::string name;
  Labels labels;
  std::string unit;
  std::string description;
  CalendarStep step;
  ValueKind value_kind = ValueKind::kLevel;
  int64_t retention_ms = 0;  // 0: keep forever
  OffGridPolicy off_grid = OffGridPolicy::kReject;
  // Closed weekdays of a business-day series (empty for other steps).
  HolidaySpec holidays;
  // Decimal places the values carry (a price in cents: 2), used when
  // printing them; -1 when not declared.
  int32_t decimals = -1;
  // What values the series can take; forecasts respect it.
  ValueBounds bounds = ValueBounds::kInferred;
};

// A stored series: its definition plus what the store adds.
struct SeriesInfo {
  SeriesDefinition definition;
  SeriesId id = 0;
  int64_t create_time_ms = 0;
  // Rises with every write. Never repeats for a name: a series created
  // after a delete starts above every revision the deleted one reached (1
  // in a store that has deleted nothing), so (name, revision) identifies
  // the data a forecast was made from.
  uint64_t revision = 0;
  // Length of one storage block's time window; fixed at creation.
  int64_t window_ms = 0;
};

// Changes to a series' mutable fields; unset members stay as they are.
struct SeriesUpdate {
  std::optional<Labels> labels;
  std::optional<std::string> unit;
  std::optional<std::string> description;
  std::optional<int64_t> retention_ms;
  std::optional<OffGridPolicy> off_grid;
  std::optional<HolidaySpec> holidays;
  std::optional<int32_t> decimals;
  std::optional<ValueBounds> bounds;
};

enum class MatchType : uint8_t { kEqual, kNotEqual, kRegex, kNotRegex };

// A Prometheus-style label matcher; name "__name__" is the series name.
struct LabelMatcher {
  std::string name;
  MatchType type = MatchType::kEqual;
  std::string value;
};

inline constexpr char kNameLabel[] = "__name__";

// A series' labels as selectors and PromQL see them: its labels plus
// `__name__`, which is the series' own `__name__` label when it has one
// (series pushed through Prometheus remote write or InfluxDB line protocol
// share a metric name and differ by labels: docs/http_api.md), else its
// name.
inline Labels SelectableLabels(const std::string& name, const Labels& labels) {
  Labels out = labels;
  out.try_emplace(kNameLabel, name);
  return out;
}

// Points for one series inside a write. Any order; for equal timestamps the
// later entry wins.
struct SeriesWrite {
  std::string series;
  std::vector<Point> points;
  // When set and the series is missing, it is created with this definition.
  std::optional<SeriesDefinition> create_if_missing;
};

struct WriteResult {
  uint64_t points_written = 0;
  uint32_t series_created = 0;
  std::vector<uint64_t> revisions;  // one per SeriesWrite, in order
};

enum class Aggregator : uint8_t {
  kAvg,
  kMin,
  kMax,
  kSum,
  kCount,
  kFirst,
  kLast
};

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_TYPES_H_
