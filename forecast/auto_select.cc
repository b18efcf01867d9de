#include "forecast/auto_select.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace tsforecast::forecast {
namespace {

// Delegates to the model used and says why it was used.
class FittedAuto final : public FittedModel {
 public:
  FittedAuto(std::unique_ptr<FittedModel> used, std::string why)
      : used_(std::move(used)), why_(std::move(why)) {}
  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    return used_->Predict(horizon, levels);
  }
  const FitSummary& summary() const override { return used_->summary(); }
  std::string Description() const override {
    return absl::StrCat("auto (", why_, "): ", used_->Description());
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return used_->Parameters();
  }
  std::vector<std::string> Warnings() const override {
    return used_->Warnings();
  }

 private:
  std::unique_ptr<FittedModel> used_;
  std::string why_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> AutoModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 3, Name());
  if (!s.ok()) return s;
  int usable = 0;
  for (double m : series.season_lengths) {
    const long p = std::lround(m);
    usable += p >= 2 && series.values.size() >= 2 * static_cast<size_t>(p);
  }
  const bool multi = usable >= 2;
  const Model* first = multi ? multi_seasonal_.get() : otherwise_.get();
  const Model* second = multi ? otherwise_.get() : multi_seasonal_.get();
  const std::string why =
      multi ? absl::StrCat(usable, " season lengths with two cycles of data")
            : "fewer than two season lengths with two cycles of data";
  absl::StatusOr<std::unique_ptr<FittedModel>> f = first->Fit(series);
  if (f.ok()) return std::make_unique<FittedAuto>(std::move(*f), why);
  absl::StatusOr<std::unique_ptr<FittedModel>> g = second->Fit(series);
  if (g.ok()) {
    return std::make_unique<FittedAuto>(
        std::move(*g), absl::StrCat(why, "; ", first->Name(),
                                    " failed: ", f.status().message()));
  }
  return f.status();
}

}  // namespace tsforecast::forecast
