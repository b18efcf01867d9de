#include "forecast/intermittent.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace tsforecast::forecast {
namespace {

const char* MethodName(IntermittentMethod m) {
  switch (m) {
    case IntermittentMethod::kCroston:
      return "croston";
    case IntermittentMethod::kSba:
      return "sba";
    case IntermittentMethod::kTsb:
      return "tsb";
  }
  return "";
}

absl::Status CheckDemand(const SeriesView& series, absl::string_view model,
                         size_t min_points) {
  absl::Status s = CheckSeries(series, min_points, model);
  if (!s.ok()) return s;
  for (size_t i = 0; i < series.values.size(); ++i) {
    if (series.values[i] < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(model,
                       " forecasts demand, which cannot be negative; "
                       "values[",
                       i, "] is ", series.values[i]));
    }
  }
  return absl::OkStatus();
}

// A flat forecast with normal intervals of constant width, cut at zero.
class FittedFlat final : public FittedModel {
 public:
  FittedFlat(double level, double sd, std::string description,
             std::vector<std::pair<std::string, double>> parameters,
             std::vector<std::string> warnings)
      : level_(level),
        sd_(sd),
        description_(std::move(description)),
        parameters_(std::move(parameters)),
        warnings_(std::move(warnings)) {
    summary_.has_likelihood = false;
    summary_.sigma2 = sd * sd;
  }

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    Prediction out;
    out.mean.assign(horizon, level_);
    const std::vector<double> sd(horizon, sd_);
    out.intervals = NormalIntervals(out.mean, sd, levels);
    for (PredictionInterval& pi : out.intervals) {
      for (double& lo : pi.lower) lo = std::max(lo, 0.0);
    }
    return out;
  }
  const FitSummary& summary() const override { return summary_; }
  std::string Description() const override { return description_; }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return parameters_;
  }
  std::vector<std::string> Warnings() const override { return warnings_; }

 private:
  double level_, sd_;
  std::string description_;
  std::vector<std::pair<std::string, double>> parameters_;
  std::vector<std::string> warnings_;
  FitSummary summary_;
};

// Root mean square of errors.
double Rms(const std::vector<double>& e) {
  if (e.empty()) return 0;
  double ss = 0;
  for (double v : e) ss += v * v;
  return std::sqrt(ss / e.size());
}

// Spreads a forecast of bucket totals over the periods of each bucket.
class FittedAdida final : public FittedModel {
 public:
  FittedAdida(std::unique_ptr<FittedModel> inner, int k)
      : inner_(std::move(inner)), k_(k) {}

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    const int buckets = (horizon + k_ - 1) / k_;
    absl::StatusOr<Prediction> agg = inner_->Predict(buckets, levels);
    if (!agg.ok()) return agg.status();
    Prediction out;
    out.intervals.resize(agg->intervals.size());
    for (size_t i = 0; i < agg->intervals.size(); ++i) {
      out.intervals[i].level = agg->intervals[i].level;
    }
    for (int h = 0; h < horizon; ++h) {
      const int b = h / k_;
      out.mean.push_back(agg->mean[b] / k_);
      for (size_t i = 0; i < agg->intervals.size(); ++i) {
        out.intervals[i].lower.push_back(agg->intervals[i].lower[b] / k_);
        out.intervals[i].upper.push_back(agg->intervals[i].upper[b] / k_);
      }
    }
    return out;
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override {
    return absl::StrCat("adida(buckets of ", k_, ": ", inner_->Description(),
                        ")");
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    std::vector<std::pair<std::string, double>> out = {
        {"aggregation", static_cast<double>(k_)}};
    for (const auto& p : inner_->Parameters()) out.push_back(p);
    return out;
  }
  std::vector<std::string> Warnings() const override {
    std::vector<std::string> out = inner_->Warnings();
    out.push_back(absl::StrCat(
        "adida: intervals are approximate (the bucket totals' intervals "
        "divided by ",
        k_, ")"));
    return out;
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  int k_;
};

// The mean number of periods between demands (the first counted from the
// start), or 1 with fewer than one demand.
double MeanInterval(absl::Span<const double> y) {
  int demands = 0;
  size_t last = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    if (y[t] > 0) {
      ++demands;
      last = t + 1;
    }
  }
  return demands == 0 ? 1 : static_cast<double>(last) / demands;
}

}  // namespace

std::string IntermittentModel::Name() const { return MethodName(method_); }

absl::StatusOr<std::unique_ptr<FittedModel>> IntermittentModel::Fit(
    const SeriesView& series) const {
  const std::string name = Name();
  absl::Status s = CheckDemand(series, name, 2);
  if (!s.ok()) return s;
  const auto& y = series.values;
  const std::string interval_note = absl::StrCat(
      name,
      ": intervals are approximate (no interval theory for this method): "
      "normal with the in-sample one-step RMSE, cut at zero");
  std::vector<double> errors;
  size_t first = 0;
  while (first < y.size() && !(y[first] > 0)) ++first;
  if (first == y.size()) {
    return std::unique_ptr<FittedModel>(std::make_unique<FittedFlat>(
        0, 0, absl::StrCat(name, "(no demand in the history)"),
        std::vector<std::pair<std::string, double>>{},
        std::vector<std::string>{interval_note}));
  }
  double forecast = 0;
  std::string description;
  std::vector<std::pair<std::string, double>> parameters = {{"alpha", alpha_}};
  if (method_ == IntermittentMethod::kTsb) {
    double z = y[first];
    double d = 1.0 / static_cast<double>(first + 1);
    for (size_t t = first + 1; t < y.size(); ++t) {
      errors.push_back(y[t] - d * z);
      if (y[t] > 0) {
        d += beta_ * (1 - d);
        z += alpha_ * (y[t] - z);
      } else {
        d -= beta_ * d;
      }
    }
    forecast = d * z;
    parameters.push_back({"beta", beta_});
    parameters.push_back({"probability", d});
    parameters.push_back({"size", z});
    description = absl::StrFormat(
        "tsb(alpha=%.3g, beta=%.3g, demand probability=%.4g, size=%.6g)",
        alpha_, beta_, d, z);
  } else {
    double z = y[first];
    double p = static_cast<double>(first + 1);
    size_t last = first;
    bool zeros = first > 0;
    for (size_t t = first + 1; t < y.size(); ++t) {
      errors.push_back(y[t] - z / p);
      if (y[t] > 0) {
        z += alpha_ * (y[t] - z);
        p += alpha_ * (static_cast<double>(t - last) - p);
        zeros |= t - last > 1;
        last = t;
      }
    }
    zeros |= last + 1 < y.size();
    const bool correct = method_ == IntermittentMethod::kSba && zeros;
    forecast = (correct ? 1 - alpha_ / 2 : 1) * z / p;
    parameters.push_back({"size", z});
    parameters.push_back({"interval", p});
    description = absl::StrFormat("%s(alpha=%.3g, size=%.6g, interval=%.4g%s)",
                                  name, alpha_, z, p,
                                  method_ == IntermittentMethod::kSba && !zeros
                                      ? ", no zeros: uncorrected"
                                      : "");
  }
  return std::unique_ptr<FittedModel>(std::make_unique<FittedFlat>(
      forecast, Rms(errors), description, std::move(parameters),
      std::vector<std::string>{interval_note}));
}

absl::StatusOr<std::unique_ptr<FittedModel>> AdidaModel::Fit(
    const SeriesView& series) const {
  absl::Status s = CheckDemand(series, "adida", 2);
  if (!s.ok()) return s;
  const auto& y = series.values;
  const int k =
      aggregation_ > 0
          ? aggregation_
          : std::max(1, static_cast<int>(std::lround(MeanInterval(y))));
  const size_t buckets = y.size() / k;
  if (buckets < 2) {
    return absl::FailedPreconditionError(
        absl::StrCat("adida with buckets of ", k, " periods needs at least ",
                     2 * k, " points; series has ", y.size()));
  }
  std::vector<double> totals;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t start = y.size() - (buckets - b) * k;
    double sum = 0;
    for (int i = 0; i < k; ++i) sum += y[start + i];
    totals.push_back(sum);
  }
  absl::StatusOr<std::unique_ptr<FittedModel>> inner =
      inner_->Fit({totals, {}});
  if (!inner.ok()) {
    return absl::Status(inner.status().code(),
                        absl::StrCat("adida (", buckets, " buckets of ", k,
                                     "): ", inner.status().message()));
  }
  return std::unique_ptr<FittedModel>(
      std::make_unique<FittedAdida>(std::move(*inner), k));
}

}  // namespace tsforecast::forecast
