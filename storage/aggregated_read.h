// Aggregated reads that stream: the range is read in chunks and reduced
// window by window, so a year of per-second points aggregated to days never
// sits in memory at once, and a page of `limit` windows stops reading once
// it is full.
#ifndef TSFORECAST_STORAGE_AGGREGATED_READ_H_
#define TSFORECAST_STORAGE_AGGREGATED_READ_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/calendar_step.h"
#include "storage/series_store.h"
#include "storage/types.h"

namespace tsforecast::storage {

struct AggregatedRead {
  std::vector<Point> points;  // one per non-empty window, ascending
  uint64_t revision = 0;      // of the series at the first chunk
  bool has_more = false;      // more windows follow the first `limit`
};

// Windows of `step` over `range` of series `name`, reduced by `aggregator`,
// at most `limit` (0: all). Holds at most `chunk_points` raw points plus
// one window's.
absl::StatusOr<AggregatedRead> ReadAggregated(
    const SeriesStore& store, absl::string_view name, const TimeRange& range,
    const CalendarStep& step, Aggregator aggregator, size_t limit,
    size_t chunk_points = 65536);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_AGGREGATED_READ_H_
