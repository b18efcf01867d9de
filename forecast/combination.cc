#include "forecast/combination.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tsforecast::forecast {
namespace {

class FittedCombination final : public FittedModel {
 public:
  FittedCombination(std::string name,
                    std::vector<std::unique_ptr<FittedModel>> members,
                    std::vector<std::string> failed)
      : name_(std::move(name)),
        members_(std::move(members)),
        failed_(std::move(failed)) {
    summary_.has_likelihood = false;
    for (const auto& m : members_) {
      summary_.converged = summary_.converged && m->summary().converged;
    }
  }

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    Prediction sum;
    for (const auto& m : members_) {
      absl::StatusOr<Prediction> p = m->Predict(horizon, levels);
      if (!p.ok()) return p;
      if (sum.mean.empty()) {
        sum = std::move(*p);
        continue;
      }
      for (int h = 0; h < horizon; ++h) {
        sum.mean[h] += p->mean[h];
        for (size_t i = 0; i < sum.intervals.size(); ++i) {
          sum.intervals[i].lower[h] += p->intervals[i].lower[h];
          sum.intervals[i].upper[h] += p->intervals[i].upper[h];
        }
      }
    }
    const double k = static_cast<double>(members_.size());
    for (int h = 0; h < horizon; ++h) {
      sum.mean[h] /= k;
      for (PredictionInterval& pi : sum.intervals) {
        pi.lower[h] /= k;
        pi.upper[h] /= k;
      }
    }
    return sum;
  }
  const FitSummary& summary() const override { return summary_; }
  std::string Description() const override {
    std::vector<std::string> parts;
    for (const auto& m : members_) parts.push_back(m->Description());
    std::string out = absl::StrCat(name_, "[", absl::StrJoin(parts, "; "), "]");
    if (!failed_.empty()) {
      absl::StrAppend(&out, " without ", absl::StrJoin(failed_, ", "));
    }
    return out;
  }

 private:
  std::string name_;
  std::vector<std::unique_ptr<FittedModel>> members_;

 public:
  std::vector<std::string> Warnings() const override {
    std::vector<std::string> out;
    for (const auto& m : members_) {
      for (std::string& w : m->Warnings()) out.push_back(std::move(w));
    }
    return out;
  }
  std::vector<std::string> failed_;
  FitSummary summary_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> CombinationModel::Fit(
    const SeriesView& series) const {
  std::vector<std::unique_ptr<FittedModel>> fitted;
  std::vector<std::string> failed;
  absl::Status last_error;
  for (const auto& m : members_) {
    absl::StatusOr<std::unique_ptr<FittedModel>> f = m->Fit(series);
    if (f.ok()) {
      fitted.push_back(std::move(*f));
    } else {
      failed.push_back(m->Name());
      last_error = f.status();
    }
  }
  if (fitted.empty()) return last_error;
  return std::make_unique<FittedCombination>(name_, std::move(fitted),
                                             std::move(failed));
}

}  // namespace tsforecast::forecast
