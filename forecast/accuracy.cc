#include "forecast/accuracy.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace tsforecast::forecast {

double Mae(absl::Span<const double> actual, absl::Span<const double> forecast) {
  const size_t n = std::min(actual.size(), forecast.size());
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += std::fabs(actual[i] - forecast[i]);
  return n ? sum / n : 0;
}

double Rmse(absl::Span<const double> actual,
            absl::Span<const double> forecast) {
  const size_t n = std::min(actual.size(), forecast.size());
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = actual[i] - forecast[i];
    sum += e * e;
  }
  return n ? std::sqrt(sum / n) : 0;
}

double Smape(absl::Span<const double> actual,
             absl::Span<const double> forecast) {
  const size_t n = std::min(actual.size(), forecast.size());
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double denom = std::fabs(actual[i]) + std::fabs(forecast[i]);
    if (denom > 0) sum += 200.0 * std::fabs(actual[i] - forecast[i]) / denom;
  }
  return n ? sum / n : 0;
}

absl::StatusOr<double> MaseScale(absl::Span<const double> train, int m) {
  if (m < 1 || train.size() <= static_cast<size_t>(m)) {
    return absl::FailedPreconditionError(
        absl::StrCat("MASE with period ", m, " needs more than ", m,
                     " training values; have ", train.size()));
  }
  double sum = 0;
  for (size_t i = m; i < train.size(); ++i) {
    sum += std::fabs(train[i] - train[i - m]);
  }
  const double scale = sum / (train.size() - m);
  if (!(scale > 0)) {
    return absl::FailedPreconditionError(
        "MASE scale is zero: the training series repeats itself exactly");
  }
  return scale;
}

double Mase(absl::Span<const double> actual, absl::Span<const double> forecast,
            double scale) {
  return Mae(actual, forecast) / scale;
}

double Owa(double smape, double mase, double naive2_smape, double naive2_mase) {
  return 0.5 * (smape / naive2_smape + mase / naive2_mase);
}

double Coverage(absl::Span<const double> actual, absl::Span<const double> lower,
                absl::Span<const double> upper) {
  const size_t n = std::min({actual.size(), lower.size(), upper.size()});
  size_t inside = 0;
  for (size_t i = 0; i < n; ++i) {
    inside += actual[i] >= lower[i] && actual[i] <= upper[i];
  }
  return n ? static_cast<double>(inside) / n : 0;
}

double Msis(absl::Span<const double> actual, absl::Span<const double> lower,
            absl::Span<const double> upper, double level, double scale) {
  const double alpha = 1 - level / 100;
  const size_t n = std::min({actual.size(), lower.size(), upper.size()});
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    sum += upper[i] - lower[i];
    if (actual[i] < lower[i]) sum += 2 / alpha * (lower[i] - actual[i]);
    if (actual[i] > upper[i]) sum += 2 / alpha * (actual[i] - upper[i]);
  }
  return n ? sum / n / scale : 0;
}

double Pinball(absl::Span<const double> actual,
               absl::Span<const double> quantile_forecast, double tau) {
  const size_t n = std::min(actual.size(), quantile_forecast.size());
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = actual[i] - quantile_forecast[i];
    sum += d >= 0 ? tau * d : (tau - 1) * d;
  }
  return n ? sum / n : 0;
}

}  // namespace tsforecast::forecast
