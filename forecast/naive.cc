#include "forecast/naive.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tsforecast::forecast {
namespace {

class FittedNaive final : public FittedModel {
 public:
  FittedNaive(NaiveKind kind, std::vector<double> history, int m, double sigma2,
              double mean, double slope)
      : kind_(kind),
        history_(std::move(history)),
        m_(m),
        mean_(mean),
        slope_(slope) {
    summary_.sigma2 = sigma2;
  }

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    const size_t n = history_.size();
    const double sigma = std::sqrt(summary_.sigma2);
    Prediction out;
    std::vector<double> sd;
    for (int h = 1; h <= horizon; ++h) {
      switch (kind_) {
        case NaiveKind::kMean:
          out.mean.push_back(mean_);
          sd.push_back(sigma * std::sqrt(1 + 1.0 / n));
          break;
        case NaiveKind::kNaive:
          out.mean.push_back(history_.back());
          sd.push_back(sigma * std::sqrt(h));
          break;
        case NaiveKind::kSeasonalNaive: {
          const int k = (h - 1) / m_;
          out.mean.push_back(history_[n - m_ + (h - 1) % m_]);
          sd.push_back(sigma * std::sqrt(k + 1.0));
          break;
        }
        case NaiveKind::kDrift:
          out.mean.push_back(history_.back() + h * slope_);
          sd.push_back(sigma * std::sqrt(h * (1 + h / (n - 1.0))));
          break;
      }
    }
    // The mean's interval uses t quantiles (its variance is estimated from
    // the same data), the others normal ones, as R does.
    out.intervals = kind_ == NaiveKind::kMean
                        ? StudentIntervals(out.mean, sd, levels, n - 1.0)
                        : NormalIntervals(out.mean, sd, levels);
    return out;
  }

  const FitSummary& summary() const override { return summary_; }

  std::string Description() const override {
    switch (kind_) {
      case NaiveKind::kMean:
        return absl::StrFormat("mean(mean=%g)", mean_);
      case NaiveKind::kNaive:
        return "naive";
      case NaiveKind::kSeasonalNaive:
        return absl::StrCat("snaive(m=", m_, ")");
      case NaiveKind::kDrift:
        return absl::StrFormat("drift(slope=%g)", slope_);
    }
    return "";
  }

 private:
  NaiveKind kind_;
  std::vector<double> history_;
  int m_;
  double mean_;
  double slope_;
  FitSummary summary_;
};

}  // namespace

std::string NaiveModel::Name() const {
  switch (kind_) {
    case NaiveKind::kMean:
      return "mean";
    case NaiveKind::kNaive:
      return "naive";
    case NaiveKind::kSeasonalNaive:
      return "snaive";
    case NaiveKind::kDrift:
      return "drift";
  }
  return "";
}

absl::StatusOr<std::unique_ptr<FittedModel>> NaiveModel::Fit(
    const SeriesView& series) const {
  NaiveKind kind = kind_;
  int m = 1;
  if (kind == NaiveKind::kSeasonalNaive) {
    m = series.season_lengths.empty()
            ? 1
            : static_cast<int>(std::lround(series.season_lengths[0]));
    if (m < 2) kind = NaiveKind::kNaive;
  }
  const size_t min_points = kind == NaiveKind::kSeasonalNaive ? m + 1 : 2;
  absl::Status s = CheckSeries(series, min_points, Name());
  if (!s.ok()) return s;
  const auto& y = series.values;
  const size_t n = y.size();
  double mean = 0;
  for (double v : y) mean += v;
  mean /= n;
  const double slope = (y[n - 1] - y[0]) / (n - 1.0);
  double sse = 0;
  size_t count = 0;
  const size_t lag = kind == NaiveKind::kSeasonalNaive ? m : 1;
  for (size_t t = (kind == NaiveKind::kMean ? 0 : lag); t < n; ++t) {
    double fitted = 0;
    switch (kind) {
      case NaiveKind::kMean:
        fitted = mean;
        break;
      case NaiveKind::kNaive:
      case NaiveKind::kSeasonalNaive:
        fitted = y[t - lag];
        break;
      case NaiveKind::kDrift:
        fitted = y[t - 1] + slope;
        break;
    }
    sse += (y[t] - fitted) * (y[t] - fitted);
    ++count;
  }
  const double dof = kind == NaiveKind::kDrift  ? count - 1.0
                     : kind == NaiveKind::kMean ? count - 1.0
                                                : static_cast<double>(count);
  const double sigma2 = dof > 0 ? sse / dof : 0;
  return std::make_unique<FittedNaive>(
      kind, std::vector<double>(y.begin(), y.end()), m, sigma2, mean, slope);
}

}  // namespace tsforecast::forecast
