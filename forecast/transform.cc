#include "forecast/transform.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tsforecast::forecast {
namespace {

class FittedTransformed final : public FittedModel {
 public:
  FittedTransformed(std::unique_ptr<FittedModel> inner, double lambda)
      : inner_(std::move(inner)), lambda_(lambda) {}
  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::StatusOr<Prediction> p = inner_->Predict(horizon, levels);
    if (!p.ok()) return p;
    for (double& v : p->mean) v = InverseBoxCox(v, lambda_);
    for (PredictionInterval& pi : p->intervals) {
      for (double& v : pi.lower) v = InverseBoxCox(v, lambda_);
      for (double& v : pi.upper) v = InverseBoxCox(v, lambda_);
    }
    return p;
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override {
    return absl::StrFormat("%s on Box-Cox(lambda=%.3g) data",
                           inner_->Description(), lambda_);
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    auto out = inner_->Parameters();
    out.push_back({"lambda", lambda_});
    return out;
  }
  std::vector<std::string> Warnings() const override {
    return inner_->Warnings();
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  double lambda_;
};

}  // namespace

double BoxCox(double x, double lambda) {
  if (std::fabs(lambda) < 1e-12) return std::log(x);
  return (std::pow(x, lambda) - 1) / lambda;
}

double InverseBoxCox(double y, double lambda) {
  if (std::fabs(lambda) < 1e-12) return std::exp(y);
  const double base = lambda * y + 1;
  // Below the image of the positive reals the bound is 0 (the data's floor).
  if (base <= 0) return lambda > 0 ? 0.0 : NAN;
  return std::pow(base, 1 / lambda);
}

double GuerreroLambda(absl::Span<const double> values, int period) {
  period = std::max(period, 2);
  const size_t groups = values.size() / period;
  if (groups < 2) return 1;
  std::vector<double> means, sds;
  // Whole subseries from the end, as the most recent data matter most.
  const size_t start = values.size() - groups * period;
  for (size_t g = 0; g < groups; ++g) {
    double mean = 0;
    for (int i = 0; i < period; ++i) mean += values[start + g * period + i];
    mean /= period;
    double ss = 0;
    for (int i = 0; i < period; ++i) {
      const double d = values[start + g * period + i] - mean;
      ss += d * d;
    }
    means.push_back(mean);
    sds.push_back(std::sqrt(ss / (period - 1)));
  }
  double best = 1, best_cv = INFINITY;
  // A fine grid is as good as an optimiser over a 1-d bounded range.
  for (int i = 0; i <= 300; ++i) {
    const double lambda = -1 + i * 0.01;
    double sum = 0, sum2 = 0;
    for (size_t g = 0; g < groups; ++g) {
      const double r = sds[g] / std::pow(means[g], 1 - lambda);
      sum += r;
      sum2 += r * r;
    }
    const double mean = sum / groups;
    const double var = (sum2 - groups * mean * mean) / (groups - 1);
    const double cv = std::sqrt(std::max(var, 0.0)) / mean;
    if (cv < best_cv) {
      best_cv = cv;
      best = lambda;
    }
  }
  return best;
}

absl::StatusOr<std::unique_ptr<FittedModel>> TransformedModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 2, Name());
  if (!s.ok()) return s;
  for (size_t i = 0; i < series.values.size(); ++i) {
    if (!(series.values[i] > 0)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "log and Box-Cox transforms need positive values; values[", i,
          "] is ", series.values[i]));
    }
  }
  const int period =
      series.season_lengths.empty()
          ? 2
          : static_cast<int>(std::lround(series.season_lengths[0]));
  const double lambda =
      lambda_ ? *lambda_ : GuerreroLambda(series.values, period);
  std::vector<double> y;
  y.reserve(series.values.size());
  for (double v : series.values) y.push_back(BoxCox(v, lambda));
  absl::StatusOr<std::unique_ptr<FittedModel>> inner = inner_->Fit(
      {y, series.season_lengths, series.horizon, series.seasons_chosen});
  if (!inner.ok()) return inner.status();
  return std::make_unique<FittedTransformed>(std::move(*inner), lambda);
}

}  // namespace tsforecast::forecast
