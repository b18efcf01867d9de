#include "forecast/multi_seasonal.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "forecast/stl.h"

namespace tsforecast::forecast {
namespace {

struct Component {
  int period;
  std::vector<double> values;   // the component over the series
  std::vector<double> profile;  // its last cycle; index t % period
};

class FittedMultiSeasonal final : public FittedModel {
 public:
  FittedMultiSeasonal(std::unique_ptr<FittedModel> inner,
                      std::vector<Component> components, size_t n,
                      std::string name)
      : inner_(std::move(inner)),
        components_(std::move(components)),
        n_(n),
        name_(std::move(name)) {}

  std::unique_ptr<Model> Refitter(Keep keep) const override {
    std::unique_ptr<Model> inner = inner_->Refitter(keep);
    if (inner == nullptr) return nullptr;
    return std::make_unique<MultiSeasonalModel>(name_, std::move(inner));
  }

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::StatusOr<Prediction> p = inner_->Predict(horizon, levels);
    if (!p.ok()) return p;
    for (int h = 0; h < horizon; ++h) {
      double s = 0;
      for (const Component& c : components_) {
        s += c.profile[(n_ + h) % c.period];
      }
      p->mean[h] += s;
      for (PredictionInterval& pi : p->intervals) {
        pi.lower[h] += s;
        pi.upper[h] += s;
      }
    }
    return p;
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override {
    std::vector<int> periods;
    for (const Component& c : components_) periods.push_back(c.period);
    return absl::StrCat(inner_->Description(), " on data without STL seasons {",
                        absl::StrJoin(periods, ", "), "}");
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return inner_->Parameters();
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  std::vector<Component> components_;
  size_t n_;
  std::string name_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> MultiSeasonalModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 4, name_);  // SES on the rest
  if (!s.ok()) return s;
  const std::vector<double> y(series.values.begin(), series.values.end());
  const size_t n = y.size();
  std::vector<int> periods;
  for (double m : series.season_lengths) {
    const int p = static_cast<int>(std::lround(m));
    if (p >= 2 && n >= 2 * static_cast<size_t>(p)) periods.push_back(p);
  }
  std::sort(periods.begin(), periods.end());
  periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  std::vector<Component> components;
  for (int p : periods)
    components.push_back({p, std::vector<double>(n, 0), {}});

  // deseasonalised = y minus every component found so far.
  std::vector<double> deseasonalised = y;
  for (int iteration = 0; iteration < 2; ++iteration) {
    for (size_t k = 0; k < components.size(); ++k) {
      Component& c = components[k];
      for (size_t t = 0; t < n; ++t) deseasonalised[t] += c.values[t];
      absl::StatusOr<StlResult> stl = Stl(
          deseasonalised, {.period = c.period,
                           .seasonal_window = 7 + 4 * static_cast<int>(k + 1)});
      if (!stl.ok()) return stl.status();
      c.values = std::move(stl->seasonal);
      for (size_t t = 0; t < n; ++t) deseasonalised[t] -= c.values[t];
    }
  }
  for (Component& c : components) {
    c.profile.assign(c.period, 0);
    for (size_t t = n - c.period; t < n; ++t)
      c.profile[t % c.period] = c.values[t];
  }
  absl::StatusOr<std::unique_ptr<FittedModel>> inner =
      inner_->Fit({deseasonalised, {}, series.horizon});
  if (!inner.ok()) return inner.status();
  return std::make_unique<FittedMultiSeasonal>(std::move(*inner),
                                               std::move(components), n, name_);
}

}  // namespace tsforecast::forecast
