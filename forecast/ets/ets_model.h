// The ETS state-space family (Hyndman, Koehler, Ord and Snyder,
// "Forecasting with Exponential Smoothing", 2008): error A or M, trend N, A
// or Ad, season N, A or M, fitted by maximum likelihood (bounded L-BFGS on
// the exact gradient, ets_gradient.h) inside both R's "usual" bounds and
// the admissible region
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
// Initial states are estimated with the smoothing parameters, as R does:
// level and trend always, and for m <= 24 the m - 1 free seasonal states
// too (the last follows from the normalisation: additive states sum to 0,
// multiplicative ones to m). The search starts from R's usual start (a
// small alpha for seasonal models).
//
// `ses`, `holt` and `damped` are this model with the trend fixed (ANN,
// AAN, AAdN), so they share its bounds and admissible region.
//
// Where we differ from R: starting states come from the cycle means of
// the first (up to three) seasons, not from a classical decomposition; R
// refuses m > 24, where we keep the seasonal states at their starts (up to
// m = 168); seasonal models need two full seasons of data. R searches with
// Nelder-Mead (up to 2,000 evaluations a seasonal form); the gradient
// search needs about 50 and stops at different points on flat
// likelihoods: on the golden seasonal series ours ends at a likelihood at
// or above R's, with forecasts a few percent apart. Nelder-Mead is the
// fallback when the gradient search finds no admissible point.
#ifndef TSFORECAST_FORECAST_ETS_ETS_MODEL_H_
#define TSFORECAST_FORECAST_ETS_ETS_MODEL_H_

#include <optional>
#include <string>
#include <vector>

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

// Smoothing parameters (ETS error-correction form) and initial states.
// beta, gamma and phi are unused where the spec has no such component (phi
// is 1 for an undamped trend).
struct EtsParameters {
  double alpha = 0.3, beta = 0, gamma = 0, phi = 1;
  double level0 = 0, trend0 = 0;
  std::vector<double> season0 = {};  // indexed by t % m
};

// One ETS model; the season length is the first of the series' (rounded).
class EtsModel final : public Model {
 public:
  // `name` is what Name() reports ("ses" for the ANN spec the registry
  // offers under that name).
  explicit EtsModel(EtsSpec spec, std::string name = "ets")
      : spec_(spec), name_(std::move(name)) {}
  // Skips estimation and runs the recursions with these parameters (for
  // published recursions, PromQL's fixed factors and users who fix them).
  EtsModel(EtsSpec spec, std::string name, EtsParameters fixed)
      : spec_(spec), name_(std::move(name)), fixed_(std::move(fixed)) {}
  std::string Name() const override { return name_; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  EtsSpec spec_;
  std::string name_;
  std::optional<EtsParameters> fixed_;
};

// Fits every admissible member of the family and keeps the lowest AICc, as
// R's ets does; or, given `forms`, only those of them that the series
// allows (auto's seasonal candidate searches the damped and trendless
// seasonal forms alone).
class AutoEtsModel final : public Model {
 public:
  AutoEtsModel() = default;
  explicit AutoEtsModel(std::vector<EtsSpec> forms, std::string name)
      : forms_(std::move(forms)), name_(std::move(name)) {}
  std::string Name() const override { return name_; }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(
      const SeriesView& series) const override;

 private:
  std::vector<EtsSpec> forms_;  // empty: R's whole family
  std::string name_ = "ets";
};

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_ETS_ETS_MODEL_H_
