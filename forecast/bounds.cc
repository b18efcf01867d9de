#include "forecast/bounds.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace tsforecast::forecast {
namespace {

class FittedBounded final : public FittedModel {
 public:
  FittedBounded(std::unique_ptr<FittedModel> inner, Bounds bounds)
      : inner_(std::move(inner)), bounds_(bounds) {}

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::StatusOr<Prediction> p = inner_->Predict(horizon, levels);
    if (p.ok()) ApplyBounds(bounds_, *p);
    return p;
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override {
    return absl::StrCat(inner_->Description(), "; bands kept ",
                        bounds_ == Bounds::kPositive
                            ? "above zero (log-symmetric: the series is "
                              "positive)"
                            : "at or above zero (the series is non-negative)");
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    std::vector<std::pair<std::string, double>> p = inner_->Parameters();
    p.emplace_back("bounds", static_cast<double>(bounds_));
    return p;
  }
  std::vector<std::string> Warnings() const override {
    return inner_->Warnings();
  }
  std::unique_ptr<Model> Refitter(Keep keep) const override {
    std::unique_ptr<Model> inner = inner_->Refitter(keep);
    if (inner == nullptr) return nullptr;
    return std::make_unique<BoundedModel>(std::move(inner), bounds_);
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  Bounds bounds_;
};

}  // namespace

std::string BoundsName(Bounds bounds) {
  switch (bounds) {
    case Bounds::kUnbounded:
      return "unbounded";
    case Bounds::kNonnegative:
      return "nonnegative";
    case Bounds::kPositive:
      return "positive";
  }
  return "unbounded";
}

Bounds InferBounds(absl::Span<const double> values, bool flow) {
  if (values.empty()) return Bounds::kUnbounded;
  const double lowest = *std::min_element(values.begin(), values.end());
  if (lowest > 0) return Bounds::kPositive;
  if (lowest == 0 && flow) return Bounds::kNonnegative;
  return Bounds::kUnbounded;
}

void ApplyBounds(Bounds bounds, Prediction& prediction) {
  if (bounds == Bounds::kUnbounded) return;
  std::vector<double>& mean = prediction.mean;
  for (double& m : mean) m = std::max(m, 0.0);
  for (PredictionInterval& pi : prediction.intervals) {
    for (size_t h = 0; h < mean.size(); ++h) {
      double& lo = pi.lower[h];
      double& hi = pi.upper[h];
      hi = std::max(hi, 0.0);
      if (bounds == Bounds::kPositive && mean[h] > 0 && hi > mean[h]) {
        // Log-symmetric around the point forecast, keeping the upper bound.
        lo = std::min(mean[h], PositiveLowerBound(mean[h], hi));
      } else {
        lo = std::max(lo, 0.0);
      }
    }
  }
}

absl::StatusOr<std::unique_ptr<FittedModel>> BoundedModel::Fit(
    const SeriesView& series) const {
  absl::StatusOr<std::unique_ptr<FittedModel>> fit = inner_->Fit(series);
  if (!fit.ok() || bounds_ == Bounds::kUnbounded) return fit;
  return std::make_unique<FittedBounded>(std::move(*fit), bounds_);
}

}  // namespace tsforecast::forecast
