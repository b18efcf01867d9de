#include "forecast/promql.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "forecast/ets/ets_model.h"

namespace tsforecast::forecast {
namespace {

class FittedLine final : public FittedModel {
 public:
  FittedLine(double intercept, double slope, double sigma2, double n,
             double mean_x, double sxx)
      : intercept_(intercept),
        slope_(slope),
        n_(n),
        mean_x_(mean_x),
        sxx_(sxx) {
    summary_.sigma2 = sigma2;
  }
  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    Prediction out;
    std::vector<double> sd;
    for (int h = 1; h <= horizon; ++h) {
      const double x = n_ - 1 + h;
      out.mean.push_back(intercept_ + slope_ * x);
      sd.push_back(
          std::sqrt(summary_.sigma2 *
                    (1 + 1 / n_ + (x - mean_x_) * (x - mean_x_) / sxx_)));
    }
    out.intervals = NormalIntervals(out.mean, sd, levels);
    return out;
  }
  const FitSummary& summary() const override { return summary_; }
  std::string Description() const override {
    return absl::StrFormat("predict_linear(intercept=%g, slope=%g per step)",
                           intercept_, slope_);
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return {{"intercept", intercept_}, {"slope", slope_}};
  }

 private:
  double intercept_, slope_, n_, mean_x_, sxx_;
  FitSummary summary_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> PredictLinearModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 3, Name());
  if (!s.ok()) return s;
  const auto& y = series.values;
  const double n = static_cast<double>(y.size());
  const double mean_x = (n - 1) / 2;
  double mean_y = 0;
  for (double v : y) mean_y += v;
  mean_y /= n;
  double sxx = 0, sxy = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    sxx += (i - mean_x) * (i - mean_x);
    sxy += (i - mean_x) * (y[i] - mean_y);
  }
  const double slope = sxy / sxx;
  const double intercept = mean_y - slope * mean_x;
  double sse = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double e = y[i] - (intercept + slope * i);
    sse += e * e;
  }
  return std::make_unique<FittedLine>(intercept, slope, sse / (n - 2), n,
                                      mean_x, sxx);
}

absl::StatusOr<std::unique_ptr<FittedModel>>
DoubleExponentialSmoothingModel::Fit(const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 2, Name());
  if (!s.ok()) return s;
  // PromQL's recursion is Holt's in error-correction form with alpha = sf,
  // beta = sf * tf, started from s0 = y0, b0 = y1 - y0 at the second point.
  const auto& y = series.values;
  const std::vector<double> rest(y.begin() + 1, y.end());
  EtsModel holt({EtsError::kAdditive, EtsTrend::kAdditive, EtsSeason::kNone},
                "double_exponential_smoothing",
                EtsParameters{.alpha = sf_,
                              .beta = sf_ * tf_,
                              .level0 = y[0],
                              .trend0 = y[1] - y[0]});
  return holt.Fit({rest, {}});
}

}  // namespace tsforecast::forecast
