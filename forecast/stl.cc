#include "forecast/stl.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace tsforecast::forecast {
namespace {

int NextOdd(double x) {
  int n = static_cast<int>(std::ceil(x));
  return n % 2 == 0 ? n + 1 : n;
}

// Loess of `y` (at positions 0..n-1) with span q and degree 0 or 1,
// evaluated at position x (which may lie outside [0, n-1]).
double LoessAt(absl::Span<const double> y, double x, int q, int degree) {
  const int n = static_cast<int>(y.size());
  // The q nearest positions form a window [lo, hi].
  int lo = 0, hi = n - 1;
  if (q < n) {
    lo = std::clamp(static_cast<int>(std::floor(x)) - q / 2, 0, n - q);
    hi = lo + q - 1;
    // Slide towards x while that brings nearer points in.
    while (lo > 0 && x - (lo - 1) < hi - x) {
      --lo;
      --hi;
    }
    while (hi < n - 1 && (hi + 1) - x < x - lo) {
      ++lo;
      ++hi;
    }
  }
  double h = std::max(x - lo, hi - x);
  // As the Fortran: integer half of the excess span.
  if (q > n) h += (q - n) / 2;
  if (h <= 0) h = 1;
  double sw = 0, swx = 0, swy = 0, swxx = 0, swxy = 0;
  for (int i = lo; i <= hi; ++i) {
    const double r = std::fabs(i - x) / h;
    if (r >= 1) continue;
    const double c = 1 - r * r * r;
    const double w = c * c * c;
    sw += w;
    swx += w * i;
    swy += w * y[i];
    swxx += w * i * i;
    swxy += w * i * y[i];
  }
  if (sw <= 0) return y[std::clamp(static_cast<int>(std::lround(x)), 0, n - 1)];
  const double mean_x = swx / sw, mean_y = swy / sw;
  if (degree == 0) return mean_y;
  const double var = swxx / sw - mean_x * mean_x;
  // Degenerate spread: fall back to the weighted mean.
  if (var <= 1e-12 * (1 + mean_x * mean_x)) return mean_y;
  const double slope = (swxy / sw - mean_x * mean_y) / var;
  return mean_y + slope * (x - mean_x);
}

std::vector<double> MovingAverage(const std::vector<double>& x, int len) {
  std::vector<double> out;
  if (static_cast<int>(x.size()) < len) return out;
  double sum = 0;
  for (int i = 0; i < len; ++i) sum += x[i];
  out.push_back(sum / len);
  for (size_t i = len; i < x.size(); ++i) {
    sum += x[i] - x[i - len];
    out.push_back(sum / len);
  }
  return out;
}

}  // namespace

absl::StatusOr<StlResult> Stl(absl::Span<const double> y,
                              const StlOptions& options) {
  const int np = options.period;
  const int n = static_cast<int>(y.size());
  if (np < 2 || n < 2 * np) {
    return absl::FailedPreconditionError(
        absl::StrCat("STL with period ", np, " needs at least ",
                     2 * std::max(np, 2), " points; series has ", n));
  }
  const int ns = std::max(3, options.seasonal_window | 1);
  const int nt = options.trend_window > 0 ? options.trend_window | 1
                                          : NextOdd(1.5 * np / (1 - 1.5 / ns));
  const int nl = NextOdd(np);
  StlResult out;
  out.trend.assign(n, 0);
  out.seasonal.assign(n, 0);
  std::vector<double> detrended(n), cycle(n + 2 * np), sub;
  for (int iter = 0; iter < options.inner_iterations; ++iter) {
    for (int t = 0; t < n; ++t) detrended[t] = y[t] - out.trend[t];
    // Cycle-subseries smoothing, each extended one cycle at both ends.
    for (int k = 0; k < np; ++k) {
      sub.clear();
      for (int t = k; t < n; t += np) sub.push_back(detrended[t]);
      const int len = static_cast<int>(sub.size());
      for (int j = -1; j <= len; ++j) {
        cycle[(j + 1) * np + k] = LoessAt(sub, j, ns, 0);
      }
    }
    // Low-pass filter of the smoothed cycle-subseries.
    std::vector<double> low =
        MovingAverage(MovingAverage(MovingAverage(cycle, np), np), 3);
    std::vector<double> lowpass(n);
    for (int t = 0; t < n; ++t) lowpass[t] = LoessAt(low, t, nl, 1);
    for (int t = 0; t < n; ++t) {
      out.seasonal[t] = cycle[np + t] - lowpass[t];
    }
    std::vector<double> deseasonalised(n);
    for (int t = 0; t < n; ++t) deseasonalised[t] = y[t] - out.seasonal[t];
    for (int t = 0; t < n; ++t) {
      out.trend[t] = LoessAt(deseasonalised, t, nt, 1);
    }
  }
  out.remainder.resize(n);
  for (int t = 0; t < n; ++t) {
    out.remainder[t] = y[t] - out.seasonal[t] - out.trend[t];
  }
  return out;
}

}  // namespace tsforecast::forecast
