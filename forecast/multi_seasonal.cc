#include "forecast/multi_seasonal.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace tsforecast::forecast {
namespace {

struct Component {
  int period;
  std::vector<double> profile;  // length period, mean 0; index t % period
};

// Centred moving average of order p (2 x p for even p); NaN where the
// window does not fit.
std::vector<double> CentredMovingAverage(const std::vector<double>& x, int p) {
  const size_t n = x.size();
  std::vector<double> out(n, NAN);
  const int half = p / 2;
  // Running sums keep this O(n) for long periods.
  std::vector<double> prefix(n + 1, 0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + x[i];
  for (size_t t = half; t + half < n; ++t) {
    double sum = 0;
    if (p % 2 == 0) {
      sum = prefix[t + half] - prefix[t - half + 1] +
            0.5 * (x[t - half] + x[t + half]);
    } else {
      sum = prefix[t + half + 1] - prefix[t - half];
    }
    out[t] = sum / p;
  }
  return out;
}

class FittedMultiSeasonal final : public FittedModel {
 public:
  FittedMultiSeasonal(std::unique_ptr<FittedModel> inner,
                      std::vector<Component> components, size_t n, bool log)
      : inner_(std::move(inner)),
        components_(std::move(components)),
        n_(n),
        log_(log) {}

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
      if (log_) {
        p->mean[h] = std::exp(p->mean[h]);
        for (PredictionInterval& pi : p->intervals) {
          pi.lower[h] = std::exp(pi.lower[h]);
          pi.upper[h] = std::exp(pi.upper[h]);
        }
      }
    }
    return p;
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override {
    std::vector<int> periods;
    for (const Component& c : components_) periods.push_back(c.period);
    return absl::StrCat(inner_->Description(), " on ", log_ ? "log " : "",
                        "data without seasons {", absl::StrJoin(periods, ", "),
                        "}");
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return inner_->Parameters();
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  std::vector<Component> components_;
  size_t n_;
  bool log_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> MultiSeasonalModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckSeries(series, 3, name_);
  if (!s.ok()) return s;
  std::vector<double> y(series.values.begin(), series.values.end());
  const size_t n = y.size();
  const bool log = log_scale_ && std::all_of(y.begin(), y.end(),
                                             [](double v) { return v > 0; });
  if (log) {
    for (double& v : y) v = std::log(v);
  }
  std::vector<int> periods;
  for (double m : series.season_lengths) {
    const int p = static_cast<int>(std::lround(m));
    if (p >= 2 && n >= 2 * static_cast<size_t>(p)) periods.push_back(p);
  }
  std::sort(periods.begin(), periods.end());
  periods.erase(std::unique(periods.begin(), periods.end()), periods.end());
  std::vector<Component> components;
  for (int p : periods) components.push_back({p, std::vector<double>(p, 0)});

  std::vector<double> work(n);
  for (int iteration = 0; iteration < 2; ++iteration) {
    for (size_t k = 0; k < components.size(); ++k) {
      const int p = components[k].period;
      for (size_t t = 0; t < n; ++t) {
        work[t] = y[t];
        for (size_t j = 0; j < components.size(); ++j) {
          if (j != k) {
            work[t] -= components[j].profile[t % components[j].period];
          }
        }
      }
      const std::vector<double> trend = CentredMovingAverage(work, p);
      const size_t first =
          recent_cycles_ > 0 && n > static_cast<size_t>(recent_cycles_) * p
              ? n - static_cast<size_t>(recent_cycles_) * p
              : 0;
      std::vector<double> sum(p, 0);
      std::vector<int> count(p, 0);
      for (size_t t = first; t < n; ++t) {
        if (std::isnan(trend[t])) continue;
        sum[t % p] += work[t] - trend[t];
        ++count[t % p];
      }
      double mean = 0;
      for (int i = 0; i < p; ++i) {
        components[k].profile[i] = count[i] ? sum[i] / count[i] : 0;
        mean += components[k].profile[i];
      }
      mean /= p;
      for (double& v : components[k].profile) v -= mean;
    }
  }
  std::vector<double> adjusted = y;
  for (size_t t = 0; t < n; ++t) {
    for (const Component& c : components)
      adjusted[t] -= c.profile[t % c.period];
  }
  absl::StatusOr<std::unique_ptr<FittedModel>> inner =
      inner_->Fit({adjusted, {}});
  if (!inner.ok()) return inner.status();
  return std::make_unique<FittedMultiSeasonal>(std::move(*inner),
                                               std::move(components), n, log);
}

}  // namespace tsforecast::forecast
