// The ETS state recursions and the pieces of a fit built on them: R's
// etscalc step, the likelihood, the admissible region and starting states.
// Internal to forecast/ets/.
#ifndef TSFORECAST_FORECAST_ETS_ETS_RECURSIONS_H_
#define TSFORECAST_FORECAST_ETS_ETS_RECURSIONS_H_

#include <cmath>
#include <cstddef>
#include <vector>

#include "absl/types/span.h"
#include "forecast/ets/ets_model.h"

namespace tsforecast::forecast::ets_internal {

struct EtsState {
  double level = 0, trend = 0;
  std::vector<double> season;  // indexed by t % m
};

inline bool HasTrend(const EtsSpec& s) { return s.trend != EtsTrend::kNone; }
inline bool HasSeason(const EtsSpec& s) { return s.season != EtsSeason::kNone; }
inline bool NeedsPositive(const EtsSpec& s) {
  return s.error == EtsError::kMultiplicative ||
         s.season == EtsSeason::kMultiplicative;
}

// The one-step forecast mu for time t from the state before it.
double OneStepForecast(const EtsSpec& spec, const EtsParameters& p,
                       const EtsState& st, size_t t);

// The search vector: {alpha, l0, [beta/alpha, b0], [phi], [gamma/(1-alpha)],
// [s_0 .. s_{m-2}]}. The ratios keep beta < alpha and gamma < 1 - alpha
// inside a box, R's "usual" region. States in the series' units (level,
// trend, additive seasons) are searched divided by `scale`, so that the
// search, and where it stops, are the same for y and 1000 y.
struct SearchLayout {
  EtsSpec spec;
  int m = 0;
  bool seasons_free = false;
  double scale = 1;

  // What a searched state is multiplied by: `scale` for those in the
  // series' units, 1 for multiplicative seasonal indices.
  double SeasonScale() const {
    return spec.season == EtsSeason::kAdditive ? scale : 1;
  }

  // -2 log L less 2 n log(scale): the objective both searches minimise,
  // the same for y and 1000 y.
  double Objective(double log_likelihood, size_t n) const {
    return -2 * log_likelihood - 2 * static_cast<double>(n) * std::log(scale);
  }

  // The search vector's length.
  size_t Size() const {
    return 2 + (HasTrend(spec) ? 2 : 0) +
           (spec.trend == EtsTrend::kDamped ? 1 : 0) +
           (HasSeason(spec) ? 1 : 0) + (seasons_free ? m - 1 : 0);
  }

  // Parameters from x; false when the normalised last seasonal state is
  // not positive where it must be.
  bool Decode(absl::Span<const double> x, const EtsParameters& base,
              EtsParameters& p) const {
    p = base;
    size_t i = 0;
    p.alpha = x[i++];
    p.level0 = x[i++] * scale;
    if (HasTrend(spec)) {
      p.beta = p.alpha * x[i++];
      p.trend0 = x[i++] * scale;
    }
    if (spec.trend == EtsTrend::kDamped) p.phi = x[i++];
    if (HasSeason(spec)) p.gamma = (1 - p.alpha) * x[i++];
    if (seasons_free) {
      double sum = 0;
      const double season_scale = SeasonScale();
      for (int j = 0; j < m - 1; ++j) {
        sum += p.season0[j] = x[i++] * season_scale;
      }
      p.season0[m - 1] = spec.season == EtsSeason::kAdditive ? -sum : m - sum;
      if (spec.season == EtsSeason::kMultiplicative &&
          !(p.season0[m - 1] > 0)) {
        return false;
      }
    }
    return true;
  }
};

// One step of R's etscalc at time t with observation y; updates `st` and
// returns the one-step forecast mu (which does not depend on y).
double Step(const EtsSpec& spec, const EtsParameters& p, EtsState& st, size_t t,
            double y);

struct EtsRun {
  double sse = 0;     // of absolute (A) or relative (M) errors
  double log_mu = 0;  // sum log |mu| (M errors)
  bool valid = true;  // no non-positive forecast where M needs one
  EtsState final;
};

// The one-step forecast mu and the seasonally adjusted observation pv at a
// step with level plus damped trend q, seasonal state s, observation v:
// the start of every step of the recursions, whoever runs them.
template <EtsSeason S>
inline void ForecastAndAdjust(double q, double s, double v, double& mu,
                              double& pv) {
  if constexpr (S == EtsSeason::kAdditive) {
    mu = q + s;
    pv = v - s;
  } else if constexpr (S == EtsSeason::kMultiplicative) {
    mu = q * s;
    pv = v / s;
  } else {
    mu = q;
    pv = v;
  }
}

// sum(log x) over a run with one log at the end: the product is kept as a
// mantissa and a binary exponent.
class LogOfProduct {
 public:
  void Multiply(double x) {
    product_ *= x;
    if (product_ > 1e150 || product_ < 1e-150) {
      int shift = 0;
      product_ = std::frexp(product_, &shift);
      exponent_ += shift;
    }
  }
  double Log() const { return std::log(product_) + exponent_ * M_LN2; }

 private:
  double product_ = 1;
  int exponent_ = 0;
};

// Adds a step's error e = v - mu to a run's sums: e^2 for additive errors;
// (e / mu)^2 and mu's log for multiplicative ones. Returns the error the
// likelihood sees: e, or e / mu.
template <EtsError E>
inline double AddError(double v, double mu, double& sse,
                       LogOfProduct& product_mu) {
  const double e = v - mu;
  if constexpr (E == EtsError::kMultiplicative) {
    const double relative = e / mu;
    sse += relative * relative;
    product_mu.Multiply(mu);
    return relative;
  }
  sse += e * e;
  return e;
}

// What the seasonal state moves by, times gamma: y - q - s (additive) or
// y / q - s (multiplicative); 0 without a season.
template <EtsSeason S>
inline double SeasonTerm(double q, double s, double v) {
  if constexpr (S == EtsSeason::kAdditive) return v - q - s;
  if constexpr (S == EtsSeason::kMultiplicative) return v / q - s;
  return 0;
}

// Calls f.template operator()<E, T, S>() with the spec's error, trend and
// season as compile-time arguments: the one dispatch for the kernels
// compiled per form (the recursions below, the gradient in
// ets_gradient.cc). Every instantiation must return the same type.
template <typename F>
decltype(auto) DispatchForm(const EtsSpec& spec, F&& f) {
  const auto with_season = [&]<EtsError E, EtsTrend T>() -> decltype(auto) {
    switch (spec.season) {
      case EtsSeason::kAdditive:
        return f.template operator()<E, T, EtsSeason::kAdditive>();
      case EtsSeason::kMultiplicative:
        return f.template operator()<E, T, EtsSeason::kMultiplicative>();
      case EtsSeason::kNone:
        break;
    }
    return f.template operator()<E, T, EtsSeason::kNone>();
  };
  const auto with_trend = [&]<EtsError E>() -> decltype(auto) {
    switch (spec.trend) {
      case EtsTrend::kAdditive:
        return with_season.template operator()<E, EtsTrend::kAdditive>();
      case EtsTrend::kDamped:
        return with_season.template operator()<E, EtsTrend::kDamped>();
      case EtsTrend::kNone:
        break;
    }
    return with_season.template operator()<E, EtsTrend::kNone>();
  };
  if (spec.error == EtsError::kMultiplicative) {
    return with_trend.template operator()<EtsError::kMultiplicative>();
  }
  return with_trend.template operator()<EtsError::kAdditive>();
}

// The recursions over y from p's initial states, into `r` (whose seasonal
// storage is reused, so an optimiser's scratch run allocates nothing).
void Run(const EtsSpec& spec, const EtsParameters& p,
         absl::Span<const double> y, EtsRun& r);
EtsRun RunAll(const EtsSpec& spec, const EtsParameters& p,
              absl::Span<const double> y);

// The concentrated Gaussian log-likelihood of R's ets (up to R's constant),
// from a run's sums over n steps.
double LogLikelihood(double sse, double log_mu, size_t n);
inline double LogLikelihood(const EtsRun& r, size_t n) {
  return LogLikelihood(r.sse, r.log_mu, n);
}

// Hyndman et al. (2008, ch. 10), as R's ets checks it.
bool Admissible(const EtsSpec& spec, const EtsParameters& p, int m);

// Starting states: seasonal indices by cycle means of the first (up to
// three) seasons, then a line through the first deseasonalised points.
EtsParameters InitialStates(const EtsSpec& spec, absl::Span<const double> y,
                            int m);

}  // namespace tsforecast::forecast::ets_internal

#endif  // TSFORECAST_FORECAST_ETS_ETS_RECURSIONS_H_
