#include "forecast/seasonality.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace tsforecast::forecast {
namespace {

constexpr double kHourMs = 3600e3;
constexpr double kDayMs = 24 * kHourMs;
constexpr double kWeekMs = 7 * kDayMs;
constexpr double kYearMs = 365.25 * kDayMs;

}  // namespace

std::vector<double> DefaultSeasonLengths(const CalendarStep& step) {
  std::vector<double> out;
  if (step.IsBusinessDays()) {
    // The trading week.
    const double m = 5.0 / static_cast<double>(step.count());
    if (m >= 2) out.push_back(m);
    return out;
  }
  if (!step.IsFixed()) {
    const double months_per_step =
        step.unit() == StepUnit::kMonth     ? step.count()
        : step.unit() == StepUnit::kQuarter ? 3.0 * step.count()
                                            : 12.0 * step.count();
    const double m = 12.0 / months_per_step;
    if (m >= 2) out.push_back(m);
    return out;
  }
  const double step_ms = static_cast<double>(step.NominalMs());
  for (double cycle : {kHourMs, kDayMs, kWeekMs, kYearMs}) {
    double m = cycle / step_ms;
    if (m < 2) continue;
    // 365.25 / 7 = 52.18 weeks: keep two decimals for fractional lengths.
    if (std::fabs(m - std::round(m)) > 1e-9) m = std::round(m * 100) / 100;
    out.push_back(m);
    if (out.size() == 2) break;
  }
  return out;
}

int ValidationHorizon(const CalendarStep& step) {
  const double days =
      static_cast<double>(step.NominalMs()) / static_cast<double>(kDayMs);
  if (days >= 300) return 6;
  if (days >= 80) return 8;
  if (days >= 25) return 18;
  if (days >= 6) return 13;
  if (days >= 20.0 / 24) return 14;
  if (days >= 50.0 / (24 * 60)) return 48;
  return 60;
}

std::vector<double> Autocorrelation(absl::Span<const double> values,
                                    int max_lag) {
  const size_t n = values.size();
  std::vector<double> acf;
  if (n == 0) return acf;
  double mean = 0;
  for (double v : values) mean += v;
  mean /= n;
  double denom = 0;
  for (double v : values) denom += (v - mean) * (v - mean);
  for (int lag = 1; lag <= max_lag; ++lag) {
    double num = 0;
    for (size_t i = lag; i < n; ++i) {
      num += (values[i] - mean) * (values[i - lag] - mean);
    }
    acf.push_back(denom > 0 ? num / denom : 0);
  }
  return acf;
}

bool IsSeasonal(absl::Span<const double> values, double m_real) {
  const int m = static_cast<int>(std::lround(m_real));
  if (m < 2 || values.size() < 3 * static_cast<size_t>(m)) return false;
  const std::vector<double> acf = Autocorrelation(values, m);
  double sum_sq = 0;
  for (int k = 0; k < m - 1; ++k) sum_sq += acf[k] * acf[k];
  const double limit =
      1.645 * std::sqrt((1 + 2 * sum_sq) / static_cast<double>(values.size()));
  return std::fabs(acf[m - 1]) > limit;
}

absl::StatusOr<std::vector<double>> MultiplicativeSeasonalIndices(
    absl::Span<const double> values, int m) {
  const size_t n = values.size();
  if (m < 2 || n < 2 * static_cast<size_t>(m)) {
    return absl::FailedPreconditionError(
        absl::StrCat("seasonal decomposition with season length ", m,
                     " needs at least ", 2 * m, " points; series has ", n));
  }
  for (double v : values) {
    if (!(v > 0)) {
      return absl::FailedPreconditionError(
          "multiplicative decomposition needs strictly positive values");
    }
  }
  // Centred moving average: a 2 x m MA for even m, an m MA for odd m.
  std::vector<double> trend(n, NAN);
  const int half = m / 2;
  for (size_t t = half; t + half < n; ++t) {
    double sum = 0;
    if (m % 2 == 0) {
      sum = 0.5 * values[t - half] + 0.5 * values[t + half];
      for (int k = -half + 1; k < half; ++k) sum += values[t + k];
    } else {
      for (int k = -half; k <= half; ++k) sum += values[t + k];
    }
    trend[t] = sum / m;
  }
  std::vector<double> sum(m, 0);
  std::vector<int> count(m, 0);
  for (size_t t = 0; t < n; ++t) {
    if (std::isnan(trend[t])) continue;
    sum[t % m] += values[t] / trend[t];
    ++count[t % m];
  }
  std::vector<double> index(m);
  double total = 0;
  for (int i = 0; i < m; ++i) {
    index[i] = count[i] ? sum[i] / count[i] : 1.0;
    total += index[i];
  }
  for (double& v : index) v *= m / total;
  return index;
}

}  // namespace tsforecast::forecast
