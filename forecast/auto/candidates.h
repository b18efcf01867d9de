// The pool `auto` chooses from (auto_model.h), one family per kind of
// structure a series may have:
// - the naive family: seasonal naive when the series is seasonal, naive
//   otherwise (the benchmark every other candidate must beat);
// - the Theta family: Theta (SES with drift) on deseasonalised data;
// - exponential smoothing: damped trend, and ETS chosen by AICc among the
//   non-seasonal forms, both on deseasonalised data;
// - ARIMA: the order chosen as auto.arima does, on deseasonalised data;
//   and for seasonal series the airline model ARIMA(0,1,1)(0,1,1)m (Box
//   and Jenkins 1970; the default of X-13ARIMA-SEATS), which models the
//   season itself;
// - intermittent demand (SBA and TSB) when at least 30% of the values are
//   zero and none is negative.
// Seasons are removed as the series calls for (Deseasonalised below), so
// the ETS and ARIMA candidates are R's stlf(method = "ets" / "arima") with
// M4's multiplicative decomposition where it applies.
//
// A series whose shortest season is at most kMaxModelledSeason steps also
// gets seasonal ETS on that season, which it carries in its own states,
// where a season that grows with the level or changes shape is better
// described than by a fixed decomposition: chosen by AICc among the
// trendless and damped seasonal forms (ANA, AAdA and, for positive data,
// MNM and MAdM; Hyndman et al. 2008). A longer season (hourly's week)
// is left to the decomposed candidates. Past that length R's ets stops
// estimating seasonal states; weekly series keep the decomposed
// candidates only.
//
// What is not in the pool, and why (measured on the development data):
// auto.arima's seasonal search (beside seasonal ETS and the airline model
// it moved OWA by -0.6 % to +1.3 % on the seven seasonal sets, and made
// auto ten times slower on daily series: NN5 330 ms a series with it, 34
// without); drift, SES and dynamic Theta each helped some sets and hurt
// others as much.
#ifndef TSFORECAST_FORECAST_AUTO_CANDIDATES_H_
#define TSFORECAST_FORECAST_AUTO_CANDIDATES_H_

#include <memory>
#include <string>
#include <vector>

#include "forecast/model.h"

namespace tsforecast::forecast {

struct Candidate {
  std::string name;
  std::unique_ptr<Model> model;
};

// Whether the series is intermittent demand in the sense above.
bool IsIntermittent(absl::Span<const double> values);

// Seasonal ETS models the shortest season up to this length.
inline constexpr double kMaxModelledSeason = 24;

// The pool for a series with these seasons (those its view carries; empty
// when it is not seasonal) that is or is not intermittent.
std::vector<Candidate> AutoCandidates(absl::Span<const double> seasons,
                                      bool intermittent);

// A non-seasonal model run on the series without the seasons its view
// carries: with one season length and positive data, M4's classical
// multiplicative decomposition; otherwise MSTL's additive components.
class DeseasonalisedModel final : public Model {
 public:
  DeseasonalisedModel(std::string name, std::unique_ptr<Model> for_classical,
                      std::unique_ptr<Model> for_mstl);
  std::string Name() const override { return name_; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::string name_;
  std::unique_ptr<Model> classical_;
  std::unique_ptr<Model> mstl_;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_AUTO_CANDIDATES_H_
