// Conformal prediction intervals from rolling-origin errors (split
// conformal prediction, Vovk, Gammerman and Shafer 2005, in the normalised
// form of Papadopoulos et al. 2008; for forecasting see Stankeviciute,
// Alaa and van der Schaar 2021).
//
// A model's own intervals give the shape of the uncertainty over the
// horizon (how it widens); out-of-sample errors give its size. At each
// rolling origin the score of step h is |actual - mean| / sd_h, sd_h the
// spread the model's own interval implied there (rolling_origin.h). Scores
// from every origin and step are pooled, so a series with 3 origins and a
// horizon of 18 gives 54. The interval at level L is then mean +-
// q_L * sd_h, q_L the ceil((n + 1) L)-th smallest of the n scores: the
// finite-sample conformal quantile. When n is too small for that rank
// (n + 1 < 1 / (1 - L): 19 scores for 95%), q_L is z_L times the scores'
// root mean square instead, the normal quantile with the observed scale,
// and never less than the largest score (so intervals stay nested).
//
// Pooled scores are few (one to five origins) and correlated within an
// origin, so their upper quantiles are noisy and, more often than not, too
// low. The multiplier is therefore never below z_L * s, s = the median
// score / z_0.75: a normal distribution at the scale the median (the most
// stable quantile) shows; where the scores have heavier tails than that,
// their own quantile rules. On the development data this came closest to
// nominal at both 80% and 95% of the rules tried (pure conformal; a floor
// at the model's own width; the 80% quantile as the scale; shrinking toward
// the model's width): docs/benchmarks.md has the figures.
//
// A series whose history is positive is scored on the shape of a positive
// band (bounds.h): the band of multiplier q is [m^2 / (m + q sd_h),
// m + q sd_h], m the mean, symmetric on the log scale around m, never
// below zero, and the level band to first order where it is narrow. An
// actual y above m scores (y - m) / sd_h, one below m * (m - y) / (y sd_h):
// the least q whose band holds it. Calibrating on the band's own shape
// keeps its coverage; its upper bound grows linearly in q, so heavy tails
// do not blow it up as a log-normal band's exp(q sigma) would (tried: MSIS
// in the millions on sets with small means).
//
// Unlike R's forecast package, which has no conformal intervals, and like
// statsforecast's ConformalIntervals, the intervals are symmetric around
// the mean (on the log scale for positive series).
#ifndef TSFORECAST_FORECAST_CONFORMAL_H_
#define TSFORECAST_FORECAST_CONFORMAL_H_

#include <memory>
#include <string>
#include <vector>

#include "forecast/model.h"
#include "forecast/rolling_origin.h"

namespace tsforecast::forecast {

// The band shape errors are scored on (see above).
enum class ScoreScale { kLevels, kPositive };

// kPositive when every value is above zero (InferBounds' positive).
ScoreScale ScaleFor(absl::Span<const double> values);

// The pooled scores and the multipliers they give.
class IntervalCalibration {
 public:
  // Scores |error| / sd on `scale`; non-finite ones are dropped.
  explicit IntervalCalibration(std::vector<double> scores,
                               ScoreScale scale = ScoreScale::kLevels);
  // q_L, for a level in (0, 100).
  // max(ConformalQuantile(L), z_L * ConformalQuantile(50) / z_0.75).
  double Multiplier(double level) const;
  // q_L from the scores alone.
  double ConformalQuantile(double level) const;
  size_t size() const { return scores_.size(); }
  ScoreScale scale() const { return scale_; }
  // "conformal over 54 scores (q80 1.31, q95 2.05)".
  std::string Describe() const;
  // conformal.scores, conformal.q80 and conformal.q95, for a fit's
  // Parameters().
  std::vector<std::pair<std::string, double>> Parameters() const;

 private:
  std::vector<double> scores_;  // sorted
  ScoreScale scale_;
};

// The scores of forecasts at origins against the series, on `scale`.
std::vector<double> NormalisedScores(absl::Span<const double> values,
                                     absl::Span<const OriginForecast> at,
                                     ScoreScale scale = ScoreScale::kLevels);

// mean +- Multiplier(level) * sd[h], for each level, on the calibration's
// scale (a step whose mean is not above zero falls back to levels).
std::vector<PredictionInterval> CalibratedIntervals(
    absl::Span<const double> mean, absl::Span<const double> sd,
    absl::Span<const double> levels, const IntervalCalibration& calibration);

// The horizon validation uses when the caller gave none: two seasons of the
// first season length (at most 48 steps), else 6 steps.
int DefaultValidationHorizon(const SeriesView& series);

// Any model, with conformal intervals in place of its own: the model is
// fitted at up to `windows` rolling origins one horizon apart (each leaving
// at least `min_train` points) and once on the whole series. Series too
// short for one origin keep the model's own intervals, with a warning.
class ConformalModel final : public Model {
 public:
  explicit ConformalModel(std::unique_ptr<Model> inner, int windows = 5)
      : inner_(std::move(inner)), windows_(windows) {}
  std::string Name() const override { return inner_->Name(); }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::unique_ptr<Model> inner_;
  int windows_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_CONFORMAL_H_
