#include "service/engine/partial_window.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace tsforecast::service {
namespace {

// The window's aggregate of the stored values and `future` (one value per
// remaining base step).
double Combine(storage::Aggregator aggregator,
               const std::vector<double>& observed,
               absl::Span<const double> future) {
  std::vector<double> all(observed);
  all.insert(all.end(), future.begin(), future.end());
  switch (aggregator) {
    case storage::Aggregator::kAvg:
      return std::accumulate(all.begin(), all.end(), 0.0) /
             static_cast<double>(all.size());
    case storage::Aggregator::kSum:
      return std::accumulate(all.begin(), all.end(), 0.0);
    case storage::Aggregator::kMin:
      return *std::min_element(all.begin(), all.end());
    case storage::Aggregator::kMax:
      return *std::max_element(all.begin(), all.end());
    case storage::Aggregator::kCount:
      return static_cast<double>(all.size());
    case storage::Aggregator::kFirst:
      return all.front();
    case storage::Aggregator::kLast:
      return all.back();
  }
  return all.back();
}

}  // namespace

std::string PartialWindow::Describe() const {
  return absl::StrCat(observed.size(), " stored, ", remaining,
                      " still to come");
}

void NowcastFirstStep(const PartialWindow& window,
                      const forecast::Prediction& fine,
                      forecast::Prediction& coarse) {
  if (coarse.mean.empty()) return;
  coarse.mean[0] = Combine(window.aggregator, window.observed, fine.mean);
  // Every base step at its lower bound, then at its upper: errors that
  // move together (the aggregators are monotone in each value).
  for (size_t i = 0; i < coarse.intervals.size() && i < fine.intervals.size();
       ++i) {
    coarse.intervals[i].lower[0] =
        Combine(window.aggregator, window.observed, fine.intervals[i].lower);
    coarse.intervals[i].upper[0] =
        Combine(window.aggregator, window.observed, fine.intervals[i].upper);
  }
}

}  // namespace tsforecast::service
