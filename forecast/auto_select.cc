#include "forecast/auto_select.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "forecast/accuracy.h"

namespace tsforecast::forecast {
namespace {

// Delegates to the winner and says how it was chosen.
class FittedAuto final : public FittedModel {
 public:
  FittedAuto(std::unique_ptr<FittedModel> winner, std::string why)
      : winner_(std::move(winner)), why_(std::move(why)) {}
  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    return winner_->Predict(horizon, levels);
  }
  const FitSummary& summary() const override { return winner_->summary(); }
  std::string Description() const override {
    return absl::StrCat("auto: ", winner_->Description(), " (", why_, ")");
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return winner_->Parameters();
  }

 private:
  std::unique_ptr<FittedModel> winner_;
  std::string why_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> AutoModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 3, Name());
  if (!s.ok()) return s;
  const size_t n = series.values.size();
  const int m = series.season_lengths.empty()
                    ? 1
                    : static_cast<int>(std::lround(series.season_lengths[0]));
  const size_t holdout = std::clamp<size_t>(m >= 2 ? m : n / 10, 1, n / 4);
  const size_t train_n = n - holdout;
  std::vector<std::string> scores;
  size_t best = candidates_.size();
  double best_score = INFINITY;
  absl::StatusOr<double> scale =
      train_n > 10 ? MaseScale(series.values.subspan(0, train_n), 1)
                   : absl::StatusOr<double>(absl::FailedPreconditionError(""));
  if (scale.ok()) {
    const SeriesView train{series.values.subspan(0, train_n),
                           series.season_lengths};
    const auto actual = series.values.subspan(train_n);
    for (size_t i = 0; i < candidates_.size(); ++i) {
      absl::StatusOr<std::unique_ptr<FittedModel>> f =
          candidates_[i]->Fit(train);
      if (!f.ok()) continue;
      absl::StatusOr<Prediction> p = (*f)->Predict(holdout, {});
      if (!p.ok()) continue;
      const double score = Mase(actual, p->mean, *scale);
      if (!std::isfinite(score)) continue;
      scores.push_back(
          absl::StrFormat("%s %.3f", candidates_[i]->Name(), score));
      if (score < best_score) {
        best_score = score;
        best = i;
      }
    }
  }
  // Too short to hold anything out, or no candidate scored: take the first
  // candidate that fits.
  std::string why =
      absl::StrCat("holdout ", holdout, " MASE: ", absl::StrJoin(scores, ", "));
  std::vector<size_t> order;
  if (best < candidates_.size()) order.push_back(best);
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (i != best) order.push_back(i);
  }
  if (best == candidates_.size()) why = "series too short to compare models";
  absl::Status last = absl::FailedPreconditionError("auto: no candidates");
  for (size_t i : order) {
    absl::StatusOr<std::unique_ptr<FittedModel>> f =
        candidates_[i]->Fit(series);
    if (f.ok()) return std::make_unique<FittedAuto>(std::move(*f), why);
    last = f.status();
  }
  return last;
}

}  // namespace tsforecast::forecast
