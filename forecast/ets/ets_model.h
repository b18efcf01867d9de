// The ETS state-space family (Hyndman, Koehler, Ord and Snyder,
// "Forecasting with Exponential Smoothing", 2008): error A or M, trend N, A
// or Ad, season N, A or M, fitted by maximum likelihood (NLopt bounded
// Nelder-Mead) inside both R's "usual" bounds and the admissible region
// (the characteristic polynomial's roots inside the unit circle), with
// automatic selection by AICc over the family as R's ets() does, under its
// default restriction: no additive errors with multiplicative seasonality,
// multiplicative components only for positive data.
//
// State updates are R's etscalc recursions (identical for A and M errors;
// the error type changes the likelihood). Prediction intervals are
// analytic for the linear class (additive error, trend and season) and
// simulated otherwise (seeded, deterministic).
//
// Where we differ from R: initial seasonal states come from the cycle
// means of the first (up to three) seasons and are not optimised (R
// optimises them for m <= 24; Nelder-Mead in that many dimensions did not
// converge here); seasonal models need two full seasons of data and
// m <= 168.
#ifndef TSFORECAST_FORECAST_ETS_ETS_MODEL_H_
#define TSFORECAST_FORECAST_ETS_ETS_MODEL_H_

#include <optional>
#include <string>

#include "forecast/model.h"

namespace tsforecast::forecast {

enum class EtsError { kAdditive, kMultiplicative };
enum class EtsTrend { kNone, kAdditive, kDamped };
enum class EtsSeason { kNone, kAdditive, kMultiplicative };

struct EtsSpec {
  EtsError error = EtsError::kAdditive;
  EtsTrend trend = EtsTrend::kNone;
  EtsSeason season = EtsSeason::kNone;
  // "ANN", "MAdM", ... as R writes them.
  std::string Code() const;
  // Parses R's three- or four-letter codes ("AAdN", "MNM").
  static std::optional<EtsSpec> Parse(const std::string& code);
};

// Whether the parameters (ETS error-correction form; beta, gamma, phi
// ignored where the spec has no such component) lie in the admissible
// region for season length m, as R's forecast:::admissible decides.
bool EtsAdmissible(const EtsSpec& spec, double alpha, double beta, double gamma,
                   double phi, int m);

// One ETS model; the season length is the first of the series' (rounded).
class EtsModel final : public Model {
 public:
  explicit EtsModel(EtsSpec spec) : spec_(spec) {}
  std::string Name() const override { return "ets"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  EtsSpec spec_;
};

// Fits every admissible member of the family and keeps the lowest AICc;
// members whose optimiser did not converge are skipped when others did.
class AutoEtsModel final : public Model {
 public:
  std::string Name() const override { return "ets"; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_ETS_ETS_MODEL_H_
