#include "forecast/arima/differencing_tests.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "forecast/stl.h"

namespace tsforecast::forecast::arima {
namespace {

constexpr double kKpssCritical5 = 0.463;  // Table 1 of KPSS, level, 5 %
constexpr double kSeasonalStrengthThreshold = 0.64;

double Variance(const std::vector<double>& x) {
  if (x.size() < 2) return 0;
  double mean = 0;
  for (double v : x) mean += v;
  mean /= x.size();
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return ss / (x.size() - 1);
}

}  // namespace

std::vector<double> Difference(absl::Span<const double> x, int lag) {
  std::vector<double> out;
  for (size_t t = lag; t < x.size(); ++t) out.push_back(x[t] - x[t - lag]);
  return out;
}

bool IsConstant(absl::Span<const double> x) {
  if (x.empty()) return true;
  // all.equal's mean relative difference.
  double diff = 0, base = 0;
  for (double v : x) {
    diff += std::fabs(v - x[0]);
    base += std::fabs(x[0]);
  }
  return base > 0 ? diff / base < 1.5e-8 : diff < 1.5e-8 * x.size();
}

double KpssStatistic(absl::Span<const double> x) {
  const size_t n = x.size();
  double mean = 0;
  for (double v : x) mean += v;
  mean /= n;
  std::vector<double> e(n);
  for (size_t t = 0; t < n; ++t) e[t] = x[t] - mean;
  double s = 0, eta = 0, s2 = 0;
  for (size_t t = 0; t < n; ++t) {
    s += e[t];
    eta += s * s;
    s2 += e[t] * e[t];
  }
  const double nn = static_cast<double>(n);
  eta /= nn * nn;
  s2 /= nn;
  const int lags = static_cast<int>(3 * std::sqrt(nn) / 13);
  for (int l = 1; l <= lags; ++l) {
    double cov = 0;
    for (size_t t = l; t < n; ++t) cov += e[t] * e[t - l];
    s2 += 2.0 / nn * (1 - static_cast<double>(l) / (lags + 1)) * cov;
  }
  return eta / s2;
}

int NumberOfDifferences(absl::Span<const double> x_in, int max_d) {
  std::vector<double> x(x_in.begin(), x_in.end());
  int d = 0;
  if (x.size() < 2 || IsConstant(x)) return 0;
  bool differ = KpssStatistic(x) > kKpssCritical5;
  while (differ && d < max_d) {
    ++d;
    x = Difference(x, 1);
    if (x.size() < 2 || IsConstant(x)) return d;
    differ = KpssStatistic(x) > kKpssCritical5;
  }
  return d;
}

double SeasonalStrength(absl::Span<const double> x, int m) {
  absl::StatusOr<StlResult> stl = Stl(x, {.period = m, .seasonal_window = 11});
  if (!stl.ok()) return 0;
  std::vector<double> sr(x.size());
  for (size_t t = 0; t < x.size(); ++t) {
    sr[t] = stl->seasonal[t] + stl->remainder[t];
  }
  const double total = Variance(sr);
  if (!(total > 0)) return 0;
  return std::clamp(1 - Variance(stl->remainder) / total, 0.0, 1.0);
}

int NumberOfSeasonalDifferences(absl::Span<const double> x_in, int m,
                                int max_D) {
  std::vector<double> x(x_in.begin(), x_in.end());
  if (m < 2 || IsConstant(x) || static_cast<size_t>(m) >= x.size()) return 0;
  // STL (and R's mstl) need two full periods.
  if (x.size() < 2 * static_cast<size_t>(m) + 1) return 0;
  int D = 0;
  bool differ = SeasonalStrength(x, m) > kSeasonalStrengthThreshold;
  while (differ && D < max_D) {
    ++D;
    x = Difference(x, m);
    if (IsConstant(x)) return D;
    differ = x.size() >= 2 * static_cast<size_t>(m) + 1 && D < max_D &&
             SeasonalStrength(x, m) > kSeasonalStrengthThreshold;
  }
  return D;
}

}  // namespace tsforecast::forecast::arima
