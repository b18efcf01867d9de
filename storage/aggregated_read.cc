#include "storage/aggregated_read.h"

#include <algorithm>

#include "common/status_macros.h"
#include "storage/aggregate.h"

namespace tsforecast::storage {

absl::StatusOr<AggregatedRead> ReadAggregated(
    const SeriesStore& store, absl::string_view name, const TimeRange& range,
    const CalendarStep& step, Aggregator aggregator, size_t limit,
    size_t chunk_points) {
  AggregatedRead out;
  // Raw points of windows that the next chunk may still extend.
  std::vector<Point> open;
  TimeRange rest = range;
  bool first = true;
  auto full = [&] { return limit != 0 && out.points.size() > limit; };
  while (!full()) {
    TSF_ASSIGN_OR_RETURN(
        ReadResult chunk,
        store.Read(name, rest, std::max<size_t>(1, chunk_points)));
    if (first) out.revision = chunk.revision;
    first = false;
    open.insert(open.end(), chunk.points.begin(), chunk.points.end());
    if (!chunk.has_more) {
      const std::vector<Point> last = Aggregate(open, step, aggregator);
      out.points.insert(out.points.end(), last.begin(), last.end());
      break;
    }
    // Windows before the one holding the newest point are complete.
    const int64_t newest = open.back().timestamp_ms;
    const int64_t window_start = step.AlignDown(newest);
    auto split = std::lower_bound(
        open.begin(), open.end(), window_start,
        [](const Point& p, int64_t t) { return p.timestamp_ms < t; });
    const std::vector<Point> done =
        Aggregate(absl::MakeConstSpan(open.data(), split - open.begin()), step,
                  aggregator);
    out.points.insert(out.points.end(), done.begin(), done.end());
    open.erase(open.begin(), split);
    rest.start_ms = newest + 1;
  }
  if (full()) {
    out.points.resize(limit);
    out.has_more = true;
  }
  return out;
}

}  // namespace tsforecast::storage
