#include "forecast/backtest.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "forecast/accuracy.h"
#include "forecast/rolling_origin.h"

namespace tsforecast::forecast {
namespace {

struct Accumulator {
  std::vector<double> actual, mean, lower, upper, lower80, upper80, lower95,
      upper95;

  Metrics Finish(double scale, double level) const {
    Metrics m;
    m.mae = Mae(actual, mean);
    m.rmse = Rmse(actual, mean);
    m.smape = Smape(actual, mean);
    m.mase = m.mae / scale;
    m.coverage = Coverage(actual, lower, upper);
    m.msis = Msis(actual, lower, upper, level, scale);
    m.coverage80 = Coverage(actual, lower80, upper80);
    m.coverage95 = Coverage(actual, lower95, upper95);
    return m;
  }
};

constexpr std::pair<BacktestMetric, absl::string_view> kMetricNames[] = {
    {BacktestMetric::kMase, "mase"},
    {BacktestMetric::kMae, "mae"},
    {BacktestMetric::kRmse, "rmse"},
    {BacktestMetric::kSmape, "smape"},
    {BacktestMetric::kMsis, "msis"}};

}  // namespace

absl::StatusOr<BacktestMetric> ParseBacktestMetric(absl::string_view name) {
  if (name.empty()) return BacktestMetric::kMase;
  for (const auto& [metric, text] : kMetricNames) {
    if (name == text) return metric;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "metric: \"", name, "\" is not one of mase, mae, rmse, smape, msis"));
}

absl::string_view BacktestMetricName(BacktestMetric metric) {
  for (const auto& [m, text] : kMetricNames) {
    if (m == metric) return text;
  }
  return "mase";
}

double MetricValue(const Metrics& metrics, BacktestMetric metric) {
  switch (metric) {
    case BacktestMetric::kMase:
      return metrics.mase;
    case BacktestMetric::kMae:
      return metrics.mae;
    case BacktestMetric::kRmse:
      return metrics.rmse;
    case BacktestMetric::kSmape:
      return metrics.smape;
    case BacktestMetric::kMsis:
      return metrics.msis;
  }
  return metrics.mase;
}

absl::StatusOr<BacktestResult> Backtest(const Model& model,
                                        const SeriesView& series,
                                        const BacktestOptions& options) {
  if (options.horizon < 1 || options.horizon > kMaxHorizon) {
    return absl::InvalidArgumentError(absl::StrCat(
        "horizon: ", options.horizon, " is outside [1, ", kMaxHorizon, "]"));
  }
  if (options.windows < 1 || options.windows > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("windows: ", options.windows, " is outside [1, 1000]"));
  }
  const int step = options.step == 0 ? options.horizon : options.step;
  if (step < 1) {
    return absl::InvalidArgumentError(absl::StrCat("step: ", step, " < 1"));
  }
  const int64_t n = static_cast<int64_t>(series.values.size());
  const int64_t min_train = std::max<int64_t>(options.mase_period + 2, 4);
  const std::vector<int64_t> origins =
      RollingOrigins(n, options.horizon, options.windows, step, min_train);
  if (origins.size() < static_cast<size_t>(options.windows)) {
    return absl::FailedPreconditionError(absl::StrCat(
        options.windows, " origins ", step, " steps apart with horizon ",
        options.horizon, " need at least ",
        min_train + options.horizon + (options.windows - 1) * step,
        " points; series has ", n));
  }
  const int64_t first_origin = origins.front();
  absl::StatusOr<double> scale =
      MaseScale(series.values.subspan(0, first_origin), options.mase_period);
  if (!scale.ok()) return scale.status();
  Accumulator overall;
  std::vector<Accumulator> by_h(options.horizon);
  const double levels[] = {options.level, 80, 95};
  BacktestResult result;
  for (int64_t origin : origins) {
    if (options.stop && options.stop()) {
      return absl::CancelledError(absl::StrCat("backtest stopped after ",
                                               result.windows, " of ",
                                               origins.size(), " origins"));
    }
    absl::StatusOr<std::unique_ptr<FittedModel>> fitted =
        // At the series' validation horizon, as the forecast it scores
        // was fitted, not at the backtest's.
        model.Fit({series.values.subspan(0, origin), series.season_lengths,
                   series.horizon, series.seasons_chosen});
    if (!fitted.ok()) {
      return Annotate(fitted.status(), absl::StrCat("origin ", origin));
    }
    absl::StatusOr<Prediction> p = (*fitted)->Predict(options.horizon, levels);
    if (!p.ok()) return p.status();
    for (int h = 0; h < options.horizon; ++h) {
      const double a = series.values[origin + h];
      for (Accumulator* acc : {&overall, &by_h[h]}) {
        acc->actual.push_back(a);
        acc->mean.push_back(p->mean[h]);
        acc->lower.push_back(p->intervals[0].lower[h]);
        acc->upper.push_back(p->intervals[0].upper[h]);
        acc->lower80.push_back(p->intervals[1].lower[h]);
        acc->upper80.push_back(p->intervals[1].upper[h]);
        acc->lower95.push_back(p->intervals[2].lower[h]);
        acc->upper95.push_back(p->intervals[2].upper[h]);
      }
    }
    ++result.windows;
  }
  result.overall = overall.Finish(*scale, options.level);
  for (const Accumulator& acc : by_h) {
    result.by_horizon.push_back(acc.Finish(*scale, options.level));
  }
  return result;
}

}  // namespace tsforecast::forecast
