#include "storage/aggregate.h"

#include <algorithm>

namespace tsforecast::storage {

std::vector<Point> Aggregate(absl::Span<const Point> points,
                             const CalendarStep& step, Aggregator aggregator) {
  std::vector<Point> out;
  size_t i = 0;
  while (i < points.size()) {
    const int64_t start = step.AlignDown(points[i].timestamp_ms);
    const int64_t end = step.Add(start, 1);
    double sum = 0, min = points[i].value, max = points[i].value;
    size_t n = 0;
    const double first = points[i].value;
    double last = first;
    for (; i < points.size() && points[i].timestamp_ms < end; ++i) {
      const double v = points[i].value;
      sum += v;
      min = std::min(min, v);
      max = std::max(max, v);
      last = v;
      ++n;
    }
    double value = 0;
    switch (aggregator) {
      case Aggregator::kAvg:
        value = sum / static_cast<double>(n);
        break;
      case Aggregator::kMin:
        value = min;
        break;
      case Aggregator::kMax:
        value = max;
        break;
      case Aggregator::kSum:
        value = sum;
        break;
      case Aggregator::kCount:
        value = static_cast<double>(n);
        break;
      case Aggregator::kFirst:
        value = first;
        break;
      case Aggregator::kLast:
        value = last;
        break;
    }
    out.push_back({start, value});
  }
  return out;
}

}  // namespace tsforecast::storage
