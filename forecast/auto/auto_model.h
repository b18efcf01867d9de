// "auto": a forecast chosen per series from its own data.
//
// 1. Seasons: the season lengths the series shows (season_choice.h).
// 2. Candidates from every family (candidates.h), each fitted at up to
//    `windows` rolling origins one horizon apart (the requested horizon,
//    shortened when the series cannot spare it), every candidate on the
//    same origins. Each is scored by its mean absolute error there.
// 3. The `top` best (4 by default) are refitted on the whole series and
//    combined with equal weights: the mean of their forecasts (Hibon and
//    Evgeniou 2005: combining the best few of a validated pool is safer
//    than picking the best; M4's winners combined too). On the development
//    data 4 beat 2, 3 and all 5 on most sets: validation over a few origins
//    is good at dropping the worst candidate, poor at finding the best.
//    Of those, a candidate whose validation error is over kDominance times
//    the best's is dropped: when one candidate dominates, the others are
//    not plausible models of the series (2x and 5x were tried too).
// 4. Intervals: conformal (conformal.h) from the combination's own errors
//    at the same origins, its width shape the members' mean spread; or,
//    with intervals = model, normal bounds at that mean spread.
// A series too short for one origin gets the mean of Theta and damped
// trend (the two best single methods of M3's yearly data) with their own
// spreads, and a warning. Constant series get a flat forecast with zero
// width.
//
// R's forecast package has no such rule; statsforecast's AutoETS, AutoARIMA
// and AutoTheta select within one family by information criteria. Every
// choice made is in the fit's description and parameters.
#ifndef TSFORECAST_FORECAST_AUTO_AUTO_MODEL_H_
#define TSFORECAST_FORECAST_AUTO_AUTO_MODEL_H_

#include <functional>
#include <memory>
#include <vector>

#include "forecast/auto/candidates.h"
#include "forecast/model.h"

namespace tsforecast::forecast {

enum class IntervalMethod { kModel, kConformal };

// Members combined have validation errors within this factor of the best.
inline constexpr double kDominance = 3;

struct AutoOptions {
  int windows = 3;  // rolling origins for validation, [1, 20]
  int top = 4;      // members combined, [1, 10]
  IntervalMethod intervals = IntervalMethod::kConformal;
};

class AutoModel final : public Model {
 public:
  // The pool for a series: its seasons (empty: not seasonal), intermittent
  // or not.
  using CandidateSource = std::function<std::vector<Candidate>(
      absl::Span<const double> seasons, bool intermittent)>;

  explicit AutoModel(AutoOptions options,
                     CandidateSource candidates = AutoCandidates)
      : options_(options), candidates_(std::move(candidates)) {}
  std::string Name() const override { return "auto"; }
  // FAILED_PRECONDITION naming each candidate's failure when none fits.
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  AutoOptions options_;
  CandidateSource candidates_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_AUTO_AUTO_MODEL_H_
