#include "forecast/model.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace tsforecast::forecast {

absl::Status CheckSeries(const SeriesView& series, size_t min_points,
                         absl::string_view model) {
  if (series.values.size() < min_points) {
    return absl::FailedPreconditionError(
        absl::StrCat(model, " needs at least ", min_points,
                     " points; series has ", series.values.size()));
  }
  for (size_t i = 0; i < series.values.size(); ++i) {
    if (!std::isfinite(series.values[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "values[", i, "]: not a finite number; fill or drop it first"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPredictArgs(int horizon, absl::Span<const double> levels) {
  if (horizon < 1 || horizon > kMaxHorizon) {
    return absl::InvalidArgumentError(absl::StrCat(
        "horizon: ", horizon, " is outside [1, ", kMaxHorizon, "]"));
  }
  for (size_t i = 0; i < levels.size(); ++i) {
    if (!(levels[i] > 0 && levels[i] < 100)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "levels[", i, "]: ", levels[i],
          " is outside (0, 100); give percentages such as 80 or 95"));
    }
  }
  return absl::OkStatus();
}

namespace {

// mean +- quantile(level) * sd[h] for each level.
template <typename Quantile>
std::vector<PredictionInterval> SymmetricIntervals(
    absl::Span<const double> mean, absl::Span<const double> sd,
    absl::Span<const double> levels, Quantile quantile) {
  std::vector<PredictionInterval> out;
  for (double level : levels) {
    const double q = quantile(0.5 + level / 200);
    PredictionInterval pi;
    pi.level = level;
    for (size_t h = 0; h < mean.size(); ++h) {
      pi.lower.push_back(mean[h] - q * sd[h]);
      pi.upper.push_back(mean[h] + q * sd[h]);
    }
    out.push_back(std::move(pi));
  }
  return out;
}

}  // namespace

std::vector<PredictionInterval> NormalIntervals(
    absl::Span<const double> mean, absl::Span<const double> sd,
    absl::Span<const double> levels) {
  return SymmetricIntervals(mean, sd, levels, NormalQuantile);
}

std::vector<PredictionInterval> StudentIntervals(
    absl::Span<const double> mean, absl::Span<const double> sd,
    absl::Span<const double> levels, double df) {
  return SymmetricIntervals(mean, sd, levels,
                            [df](double p) { return StudentTQuantile(p, df); });
}

double StudentTQuantile(double p, double df) {
  const double z = NormalQuantile(p);
  const double z2 = z * z;
  const double g1 = (z2 + 1) * z / 4;
  const double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const double g4 =
      ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / df + g2 / (df * df) + g3 / (df * df * df) +
         g4 / (df * df * df * df);
}

double NormalQuantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  const double low = 0.02425;
  double x = 0;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) *
        q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step against the exact CDF.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

}  // namespace tsforecast::forecast
