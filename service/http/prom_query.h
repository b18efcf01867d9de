// The part of PromQL the HTTP port understands (docs/http_api.md): number
// literals with + - * / and parentheses, series selectors, and
// forecast(<selector>[, "<model>"[, "<step>", "<aggregator>"]]), evaluated
// over stored series.
#ifndef TSFORECAST_SERVICE_HTTP_PROM_QUERY_H_
#define TSFORECAST_SERVICE_HTTP_PROM_QUERY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "service/engine/forecast_engine.h"
#include "storage/series_store.h"

namespace tsforecast::service::http {

struct PromQuery {
  enum class Kind { kScalar, kSelector, kForecast };
  Kind kind = Kind::kSelector;
  double scalar = 0;
  std::vector<storage::LabelMatcher> matchers;
  std::string model = "auto";  // forecast() only
  // forecast() on a coarser step: forecast(brent, "ets", "1w", "last").
  std::optional<v1::Aggregation> aggregation;
};

// Bounds on a query's text: longer or deeper queries get INVALID_ARGUMENT
// before any work that grows with them. Far beyond what a dashboard writes;
// they keep a hostile query from exhausting a worker's stack or CPU.
inline constexpr size_t kMaxPromQueryBytes = 32 << 10;
inline constexpr int kMaxPromQueryDepth = 128;

// INVALID_ARGUMENT naming what is not understood.
absl::StatusOr<PromQuery> ParsePromQuery(absl::string_view text);

struct PromSeries {
  std::map<std::string, std::string> metric;
  std::vector<std::pair<int64_t, double>> samples;  // (ms, value)
};

struct PromResult {
  std::vector<PromSeries> series;
  std::vector<std::string> warnings;
};

// At most this many evaluation steps per query, as Prometheus.
inline constexpr int64_t kMaxPromSteps = 11000;

class PromEvaluator {
 public:
  PromEvaluator(storage::SeriesStore* store, ForecastEngine* forecasts)
      : store_(store), forecasts_(forecasts) {}

  // Evaluates a selector or forecast() at start, start+step, ... <= end
  // over `selected`, the series its matchers select (SelectSeries). A
  // sample at t is the latest point in [t - lookback, t], the lookback
  // being the longer of 5 minutes and the series' step. Series without
  // samples are left out.
  absl::StatusOr<PromResult> Evaluate(
      const PromQuery& query, const std::vector<storage::SeriesInfo>& selected,
      int64_t start_ms, int64_t end_ms, int64_t step_ms,
      absl::Time deadline) const;
  absl::StatusOr<std::vector<storage::SeriesInfo>> SelectSeries(
      const PromQuery& query) const;

 private:
  storage::SeriesStore* store_;
  ForecastEngine* forecasts_;
};

}  // namespace tsforecast::service::http

#endif  // TSFORECAST_SERVICE_HTTP_PROM_QUERY_H_
