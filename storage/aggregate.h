// Downsampling on read: points grouped into windows aligned to a calendar
// step (month starts for months) and reduced by an aggregator.
#ifndef TSFORECAST_STORAGE_AGGREGATE_H_
#define TSFORECAST_STORAGE_AGGREGATE_H_

#include <vector>

#include "absl/types/span.h"
#include "common/calendar_step.h"
#include "storage/types.h"

namespace tsforecast::storage {

// One output point per non-empty window, stamped with the window start,
// ascending. `points` must be sorted by timestamp.
std::vector<Point> Aggregate(absl::Span<const Point> points,
                             const CalendarStep& step, Aggregator aggregator);

}  // namespace tsforecast::storage

#endif  // TSFORECAST_STORAGE_AGGREGATE_H_
