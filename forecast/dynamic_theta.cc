#include "forecast/dynamic_theta.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "forecast/fit/optimizer.h"

namespace tsforecast::forecast {
namespace {

struct ThetaParams {
  double alpha = 0.5, theta = 2, level0 = 0;
};

struct ThetaRun {
  double sse = 0;
  double level = 0, a = 0, b = 0;  // final states
};

ThetaRun RunTheta(absl::Span<const double> y, const ThetaParams& p) {
  ThetaRun r;
  double level = p.level0, a = 0, b = 0, mean = 0;
  const double k = 1 - 1 / p.theta;
  double decay = 1;  // (1 - alpha)^{t-1}
  for (size_t i = 0; i < y.size(); ++i) {
    const double t = static_cast<double>(i + 1);
    const double mu =
        level + k * (decay * a + (1 - decay * (1 - p.alpha)) / p.alpha * b);
    r.sse += (y[i] - mu) * (y[i] - mu);
    level = p.alpha * y[i] + (1 - p.alpha) * level;
    // Running mean, then the least-squares line through y_1..y_t updated
    // one point at a time.
    const double prev_mean = mean;
    mean = ((t - 1) * mean + y[i]) / t;
    b = i == 0 ? 0 : ((t - 2) * b + 6 * (y[i] - prev_mean) / t) / (t + 1);
    a = mean - (t + 1) * b / 2;
    decay *= 1 - p.alpha;
  }
  r.level = level;
  r.a = a;
  r.b = b;
  return r;
}

class FittedDynamicTheta final : public FittedModel {
 public:
  FittedDynamicTheta(ThetaParams p, ThetaRun run, size_t n, FitSummary s)
      : p_(p), run_(run), n_(n), summary_(std::move(s)) {}

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    const double k = 1 - 1 / p_.theta;
    const double decay_n = std::pow(1 - p_.alpha, static_cast<double>(n_));
    Prediction out;
    std::vector<double> sd;
    for (int h = 1; h <= horizon; ++h) {
      out.mean.push_back(
          run_.level +
          k * (decay_n * run_.a +
               (h - 1 + (1 - decay_n * (1 - p_.alpha)) / p_.alpha) * run_.b));
      sd.push_back(
          std::sqrt(summary_.sigma2 * (1 + p_.alpha * p_.alpha * (h - 1))));
    }
    out.intervals = NormalIntervals(out.mean, sd, levels);
    return out;
  }
  const FitSummary& summary() const override { return summary_; }
  std::string Description() const override {
    return absl::StrFormat("dynamic_theta(alpha=%.4g, theta=%.4g, l0=%.6g)",
                           p_.alpha, p_.theta, p_.level0);
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return {{"alpha", p_.alpha}, {"theta", p_.theta}, {"l0", p_.level0}};
  }

 private:
  ThetaParams p_;
  ThetaRun run_;
  size_t n_;
  FitSummary summary_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> DynamicThetaModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 4, Name());
  if (!s.ok()) return s;
  const auto& y = series.values;
  double lo = y[0], hi = y[0];
  for (double v : y) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const double range = std::max(hi - lo, 1e-8 * std::max(1.0, std::fabs(hi)));
  OptimizerOptions options;
  options.ftol_abs = 0;  // the SSE has the data's scale
  options.max_evaluations = 1000;
  const OptimizerResult r = Minimize(
      [&](absl::Span<const double> x) {
        return RunTheta(y, {x[0], x[1], x[2]}).sse;
      },
      {0.5, 2.0, y[0]}, {0.01, 1.0, lo - range}, {0.99, 10.0, hi + range},
      options);
  const ThetaParams p{r.x[0], r.x[1], r.x[2]};
  const ThetaRun run = RunTheta(y, p);
  FitSummary summary;
  summary.iterations = r.evaluations;
  summary.converged = r.converged;
  summary.message = r.message;
  summary.parameters = 3;
  summary.sigma2 = run.sse / std::max<double>(1, y.size() - 3);
  return std::make_unique<FittedDynamicTheta>(p, run, y.size(),
                                              std::move(summary));
}

}  // namespace tsforecast::forecast
