#include "forecast/seasonal_adjustment.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "forecast/seasonality.h"

namespace tsforecast::forecast {
namespace {

class FittedAdjusted final : public FittedModel {
 public:
  FittedAdjusted(std::unique_ptr<FittedModel> inner,
                 std::vector<double> indices, size_t n, std::string name,
                 bool test_seasonality)
      : inner_(std::move(inner)),
        indices_(std::move(indices)),
        n_(n),
        name_(std::move(name)),
        test_seasonality_(test_seasonality) {}

  std::unique_ptr<Model> Refitter(Keep keep) const override {
    std::unique_ptr<Model> inner = inner_->Refitter(keep);
    if (inner == nullptr) return nullptr;
    return std::make_unique<SeasonallyAdjustedModel>(name_, std::move(inner),
                                                     test_seasonality_);
  }

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::StatusOr<Prediction> p = inner_->Predict(horizon, levels);
    if (!p.ok() || indices_.empty()) return p;
    const size_t m = indices_.size();
    for (int h = 0; h < horizon; ++h) {
      const double s = indices_[(n_ + h) % m];
      p->mean[h] *= s;
      for (PredictionInterval& pi : p->intervals) {
        pi.lower[h] *= s;
        pi.upper[h] *= s;
      }
    }
    return p;
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override {
    if (indices_.empty()) return inner_->Description();
    return absl::StrCat(inner_->Description(),
                        " on data deseasonalised with m=", indices_.size());
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return inner_->Parameters();
  }
  std::vector<std::string> Warnings() const override {
    return inner_->Warnings();
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  std::vector<double> indices_;  // empty: not deseasonalised
  size_t n_;
  std::string name_;
  bool test_seasonality_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> SeasonallyAdjustedModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 2, name_);
  if (!s.ok()) return s;
  std::vector<double> indices;
  std::vector<double> adjusted(series.values.begin(), series.values.end());
  if (!series.season_lengths.empty()) {
    const int m = static_cast<int>(std::lround(series.season_lengths[0]));
    if (m >= 2 && (!test_seasonality_ || series.seasons_chosen ||
                   IsSeasonal(series.values, m))) {
      absl::StatusOr<std::vector<double>> idx =
          MultiplicativeSeasonalIndices(series.values, m);
      // Non-positive data or too short: model it as it is.
      if (idx.ok()) {
        indices = std::move(*idx);
        for (size_t t = 0; t < adjusted.size(); ++t) {
          adjusted[t] /= indices[t % m];
        }
      }
    }
  }
  SeriesView inner_view{adjusted, {}, series.horizon};
  absl::StatusOr<std::unique_ptr<FittedModel>> fitted = inner_->Fit(inner_view);
  if (!fitted.ok()) return fitted.status();
  return std::make_unique<FittedAdjusted>(
      std::move(*fitted), std::move(indices), series.values.size(), name_,
      test_seasonality_);
}

}  // namespace tsforecast::forecast
