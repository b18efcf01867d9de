#include "forecast/theta.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "forecast/ets/ets_model.h"

namespace tsforecast::forecast {
namespace {

class FittedTheta final : public FittedModel {
 public:
  FittedTheta(std::unique_ptr<FittedModel> ses, double alpha, double half_slope,
              size_t n)
      : ses_(std::move(ses)), alpha_(alpha), half_slope_(half_slope), n_(n) {}

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::StatusOr<Prediction> p = ses_->Predict(horizon, levels);
    if (!p.ok()) return p;
    const double offset = (1 - std::pow(1 - alpha_, n_)) / alpha_;
    for (int h = 0; h < horizon; ++h) {
      const double drift = half_slope_ * (h + offset);
      p->mean[h] += drift;
      for (PredictionInterval& pi : p->intervals) {
        pi.lower[h] += drift;
        pi.upper[h] += drift;
      }
    }
    return p;
  }
  const FitSummary& summary() const override { return ses_->summary(); }
  std::string Description() const override {
    return absl::StrFormat("theta(alpha=%.4g, drift=%.6g)", alpha_,
                           half_slope_);
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return {{"alpha", alpha_}, {"drift", half_slope_}};
  }

 private:
  std::unique_ptr<FittedModel> ses_;
  double alpha_;
  double half_slope_;
  size_t n_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> ThetaModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 4, Name());  // its SES is ETS(A,N,N)
  if (!s.ok()) return s;
  absl::StatusOr<std::unique_ptr<FittedModel>> ses =
      EtsModel({EtsError::kAdditive, EtsTrend::kNone, EtsSeason::kNone}, "ses")
          .Fit({series.values, {}});
  if (!ses.ok()) return ses.status();
  double alpha = 0;
  for (const auto& [name, value] : (*ses)->Parameters()) {
    if (name == "alpha") alpha = value;
  }
  // Least-squares slope of y on 0..n-1.
  const auto& y = series.values;
  const double n = static_cast<double>(y.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    sx += i;
    sy += y[i];
    sxx += static_cast<double>(i) * i;
    sxy += i * y[i];
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return std::make_unique<FittedTheta>(std::move(*ses), alpha, slope / 2,
                                       y.size());
}

}  // namespace tsforecast::forecast
