#include "forecast/conformal.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "forecast/bounds.h"

namespace tsforecast::forecast {

ScoreScale ScaleFor(absl::Span<const double> values) {
  return InferBounds(values, /*flow=*/false) == Bounds::kPositive
             ? ScoreScale::kPositive
             : ScoreScale::kLevels;
}

IntervalCalibration::IntervalCalibration(std::vector<double> scores,
                                         ScoreScale scale)
    : scale_(scale) {
  for (double s : scores) {
    if (std::isfinite(s)) scores_.push_back(s);
  }
  std::sort(scores_.begin(), scores_.end());
}

double IntervalCalibration::Multiplier(double level) const {
  // The median score as a scale: the normal quantile at that scale is the
  // least any level gets, so a few scores cannot make the tails thinner
  // than normal.
  static const double z75 = NormalQuantile(0.75);
  return std::max(ConformalQuantile(level), NormalQuantile(0.5 + level / 200) *
                                                ConformalQuantile(50) / z75);
}

double IntervalCalibration::ConformalQuantile(double level) const {
  const double p = level / 100;
  const size_t n = scores_.size();
  if (n == 0) return NormalQuantile(0.5 + p / 2);
  const double rank = std::ceil((static_cast<double>(n) + 1) * p);
  if (rank <= static_cast<double>(n)) {
    return scores_[static_cast<size_t>(rank) - 1];
  }
  // Past the largest score, never below it: a higher level must not get a
  // narrower interval than a lower one whose rank still fits.
  double sum2 = 0;
  for (double s : scores_) sum2 += s * s;
  return std::max(scores_.back(),
                  NormalQuantile(0.5 + p / 2) * std::sqrt(sum2 / n));
}

std::vector<std::pair<std::string, double>> IntervalCalibration::Parameters()
    const {
  return {{"conformal.scores", static_cast<double>(scores_.size())},
          {"conformal.q80", Multiplier(80)},
          {"conformal.q95", Multiplier(95)}};
}

std::string IntervalCalibration::Describe() const {
  return absl::StrFormat(
      "conformal%s over %d scores (q80 %.3g, q95 %.3g)",
      scale_ == ScoreScale::kPositive ? " for a positive series" : "",
      scores_.size(), Multiplier(80), Multiplier(95));
}

std::vector<double> NormalisedScores(absl::Span<const double> values,
                                     absl::Span<const OriginForecast> at,
                                     ScoreScale scale) {
  std::vector<double> scores;
  for (const OriginForecast& f : at) {
    for (size_t h = 0; h < f.mean.size(); ++h) {
      const double actual = values[f.origin + h];
      // A zero spread (a model certain of the value) gives no scale.
      if (!(f.sd[h] > 0)) continue;
      const double m = f.mean[h];
      if (scale == ScoreScale::kPositive && m > 0 && actual > 0) {
        scores.push_back(actual >= m ? (actual - m) / f.sd[h]
                                     : m * (m - actual) / (actual * f.sd[h]));
      } else {
        scores.push_back(std::abs(actual - f.mean[h]) / f.sd[h]);
      }
    }
  }
  return scores;
}

std::vector<PredictionInterval> CalibratedIntervals(
    absl::Span<const double> mean, absl::Span<const double> sd,
    absl::Span<const double> levels, const IntervalCalibration& calibration) {
  std::vector<PredictionInterval> out;
  for (double level : levels) {
    const double q = calibration.Multiplier(level);
    PredictionInterval pi{level, {}, {}};
    for (size_t h = 0; h < mean.size(); ++h) {
      if (calibration.scale() == ScoreScale::kPositive && mean[h] > 0) {
        const double upper = mean[h] + q * sd[h];
        pi.lower.push_back(PositiveLowerBound(mean[h], upper));
        pi.upper.push_back(upper);
      } else {
        pi.lower.push_back(mean[h] - q * sd[h]);
        pi.upper.push_back(mean[h] + q * sd[h]);
      }
    }
    out.push_back(std::move(pi));
  }
  return out;
}

int DefaultValidationHorizon(const SeriesView& series) {
  if (series.horizon > 0) return series.horizon;
  if (!series.season_lengths.empty()) {
    const long m = std::lround(series.season_lengths[0]);
    if (m >= 2) return static_cast<int>(std::min<long>(2 * m, 48));
  }
  return 6;
}

namespace {

class FittedConformal final : public FittedModel {
 public:
  FittedConformal(std::unique_ptr<FittedModel> inner,
                  IntervalCalibration calibration, int horizon)
      : inner_(std::move(inner)),
        calibration_(std::move(calibration)),
        horizon_(horizon) {}

  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    absl::Status s = CheckPredictArgs(horizon, levels);
    if (!s.ok()) return s;
    absl::StatusOr<MeanAndSpread> p = PredictMeanAndSpread(*inner_, horizon);
    if (!p.ok()) return p.status();
    Prediction out;
    out.intervals = CalibratedIntervals(p->mean, p->sd, levels, calibration_);
    out.mean = std::move(p->mean);
    return out;
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override {
    return absl::StrCat(inner_->Description(), "; intervals ",
                        calibration_.Describe(), " at horizons 1-", horizon_);
  }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    std::vector<std::pair<std::string, double>> p = inner_->Parameters();
    for (auto& param : calibration_.Parameters()) p.push_back(std::move(param));
    return p;
  }
  std::vector<std::string> Warnings() const override {
    return inner_->Warnings();
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  IntervalCalibration calibration_;
  int horizon_;
};

// The model's own fit, with a warning that says why it kept its intervals.
class FittedUncalibrated final : public FittedModel {
 public:
  FittedUncalibrated(std::unique_ptr<FittedModel> inner, std::string why)
      : inner_(std::move(inner)), why_(std::move(why)) {}
  absl::StatusOr<Prediction> Predict(
      int horizon, absl::Span<const double> levels) const override {
    return inner_->Predict(horizon, levels);
  }
  const FitSummary& summary() const override { return inner_->summary(); }
  std::string Description() const override { return inner_->Description(); }
  std::vector<std::pair<std::string, double>> Parameters() const override {
    return inner_->Parameters();
  }
  std::vector<std::string> Warnings() const override {
    std::vector<std::string> w = inner_->Warnings();
    w.push_back(why_);
    return w;
  }

 private:
  std::unique_ptr<FittedModel> inner_;
  std::string why_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<FittedModel>> ConformalModel::Fit(
    const SeriesView& series) const {
  absl::StatusOr<std::unique_ptr<FittedModel>> full = inner_->Fit(series);
  if (!full.ok()) return full.status();
  const int horizon = DefaultValidationHorizon(series);
  const int64_t n = static_cast<int64_t>(series.values.size());
  int64_t min_train = 8;
  for (double m : series.season_lengths) {
    min_train = std::max<int64_t>(min_train, 2 * std::lround(m));
  }
  const std::vector<int64_t> origins =
      RollingOrigins(n, horizon, windows_, horizon, min_train);
  const auto keep_own = [&](const std::string& why) {
    return std::make_unique<FittedUncalibrated>(
        std::move(*full),
        absl::StrCat("conformal intervals need ", why,
                     "; these are the model's own intervals"));
  };
  if (origins.empty()) {
    return keep_own(absl::StrCat(min_train + horizon, " points for horizon ",
                                 horizon, " (series has ", n, ")"));
  }
  absl::StatusOr<std::vector<OriginForecast>> at =
      ForecastAtOrigins(*inner_, series, origins, horizon);
  if (!at.ok()) {
    return keep_own(absl::StrCat("fits on shorter data, which failed: ",
                                 at.status().message()));
  }
  const ScoreScale scale = ScaleFor(series.values);
  return std::make_unique<FittedConformal>(
      std::move(*full),
      IntervalCalibration(NormalisedScores(series.values, *at, scale), scale),
      horizon);
}

}  // namespace tsforecast::forecast
