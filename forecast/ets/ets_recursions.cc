#include "forecast/ets/ets_recursions.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "forecast/ets/unit_roots.h"

namespace tsforecast::forecast::ets_internal {

double OneStepForecast(const EtsSpec& spec, const EtsParameters& p,
                       const EtsState& st, size_t t) {
  const size_t m = st.season.size();
  const double phi = spec.trend == EtsTrend::kDamped ? p.phi : 1;
  const double q = st.level + (HasTrend(spec) ? phi * st.trend : 0);
  const double s = m ? st.season[t % m] : 0;
  return spec.season == EtsSeason::kAdditive         ? q + s
         : spec.season == EtsSeason::kMultiplicative ? q * s
                                                     : q;
}

double Step(const EtsSpec& spec, const EtsParameters& p, EtsState& st, size_t t,
            double y) {
  const double mu = OneStepForecast(spec, p, st, t);
  const size_t m = st.season.size();
  const double phi = spec.trend == EtsTrend::kDamped ? p.phi : 1;
  const double phib = HasTrend(spec) ? phi * st.trend : 0;
  const double q = st.level + phib;
  const double s = m ? st.season[t % m] : 0;
  const double pv = spec.season == EtsSeason::kAdditive         ? y - s
                    : spec.season == EtsSeason::kMultiplicative ? y / s
                                                                : y;
  const double level = q + p.alpha * (pv - q);
  if (HasTrend(spec)) {
    st.trend = phib + (p.beta / p.alpha) * (level - st.level - phib);
  }
  if (spec.season == EtsSeason::kAdditive) {
    st.season[t % m] = s + p.gamma * (y - q - s);
  } else if (spec.season == EtsSeason::kMultiplicative) {
    st.season[t % m] = s + p.gamma * (y / q - s);
  }
  st.level = level;
  return mu;
}

namespace {

// Step's recursion over a whole series with the spec fixed at compile
// time: no branches on the spec, no modulo, no allocation. The optimiser
// runs it thousands of times a fit, so this loop is where ets spends its
// time. Multiplicative errors need sum(log mu): one log per run
// (LogOfProduct) instead of one per step.
template <EtsError E, EtsTrend T, EtsSeason S>
void RunTyped(const EtsParameters& p, absl::Span<const double> y, EtsRun& r) {
  constexpr bool kTrend = T != EtsTrend::kNone;
  constexpr bool kSeason = S != EtsSeason::kNone;
  constexpr bool kPositive =
      E == EtsError::kMultiplicative || S == EtsSeason::kMultiplicative;
  const double phi = T == EtsTrend::kDamped ? p.phi : 1;
  const double beta_over_alpha = kTrend ? p.beta / p.alpha : 0;
  double* season = r.final.season.data();
  const size_t m = r.final.season.size();
  double level = p.level0, trend = kTrend ? p.trend0 : 0;
  double sse = 0;
  LogOfProduct product_mu;
  size_t j = 0;  // t % m
  for (const double v : y) {
    const double phib = kTrend ? phi * trend : 0;
    const double q = level + phib;
    const double s = kSeason ? season[j] : 0;
    double mu, pv;
    ForecastAndAdjust<S>(q, s, v, mu, pv);
    if constexpr (kPositive) {
      if (!(mu > 0)) {
        r.valid = false;
        return;
      }
    }
    const double e = AddError<E>(v, mu, sse, product_mu);
    if constexpr (E == EtsError::kAdditive && !kSeason) {
      // The error-correction form of the same update (ses, holt, damped).
      level = q + p.alpha * e;
      trend = phi * trend + p.beta * e;
    } else {
      const double next_level = q + p.alpha * (pv - q);
      if constexpr (kTrend) {
        trend = phib + beta_over_alpha * (next_level - level - phib);
      }
      if constexpr (kSeason) season[j] = s + p.gamma * SeasonTerm<S>(q, s, v);
      level = next_level;
    }
    if constexpr (kSeason) {
      if (++j == m) j = 0;
    }
  }
  r.sse = sse;
  r.log_mu = E == EtsError::kMultiplicative ? product_mu.Log() : 0;
  r.final.level = level;
  r.final.trend = trend;
  if (!std::isfinite(sse) || !std::isfinite(r.log_mu) ||
      !std::isfinite(level)) {
    r.valid = false;
  }
}

}  // namespace

void Run(const EtsSpec& spec, const EtsParameters& p,
         absl::Span<const double> y, EtsRun& r) {
  r.sse = 0;
  r.log_mu = 0;
  r.valid = true;
  r.final.season.assign(p.season0.begin(), p.season0.end());
  if (HasSeason(spec) && r.final.season.empty()) {
    r.valid = false;
    return;
  }
  DispatchForm(spec, [&]<EtsError E, EtsTrend T, EtsSeason S>() {
    RunTyped<E, T, S>(p, y, r);
  });
}

EtsRun RunAll(const EtsSpec& spec, const EtsParameters& p,
              absl::Span<const double> y) {
  EtsRun r;
  Run(spec, p, y, r);
  return r;
}

double LogLikelihood(double sse, double log_mu, size_t n) {
  sse = std::max(sse, 1e-300);
  return -0.5 * n * (std::log(2 * M_PI * sse / n) + 1) - log_mu;
}

// Initial states from the first seasons (or points): seasonal indices by
// cycle means, then a line through the deseasonalised start.
EtsParameters InitialStates(const EtsSpec& spec, absl::Span<const double> y,
                            int m) {
  EtsParameters p;
  std::vector<double> adjusted(y.begin(), y.end());
  if (HasSeason(spec)) {
    const int cycles = std::min<int>(3, y.size() / m);
    p.season0.assign(m, spec.season == EtsSeason::kAdditive ? 0 : 1);
    std::vector<double> sum(m, 0);
    for (int c = 0; c < cycles; ++c) {
      double mean = 0;
      for (int i = 0; i < m; ++i) mean += y[c * m + i];
      mean /= m;
      for (int i = 0; i < m; ++i) {
        sum[i] += spec.season == EtsSeason::kAdditive ? y[c * m + i] - mean
                                                      : y[c * m + i] / mean;
      }
    }
    double total = 0;
    for (int i = 0; i < m; ++i) {
      p.season0[i] = sum[i] / cycles;
      total += p.season0[i];
    }
    for (double& s : p.season0) {
      s = spec.season == EtsSeason::kAdditive ? s - total / m : s * m / total;
    }
    for (size_t t = 0; t < adjusted.size(); ++t) {
      adjusted[t] = spec.season == EtsSeason::kAdditive
                        ? adjusted[t] - p.season0[t % m]
                        : adjusted[t] / p.season0[t % m];
    }
  }
  const size_t k =
      std::min<size_t>(adjusted.size(), HasSeason(spec) ? 2 * m : 10);
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < k; ++i) {
    sx += i;
    sy += adjusted[i];
    sxx += static_cast<double>(i) * i;
    sxy += i * adjusted[i];
  }
  const double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
  p.trend0 = HasTrend(spec) ? slope : 0;
  p.level0 = HasTrend(spec) ? (sy - slope * sx) / k : sy / k;
  return p;
}

// The admissible region of Hyndman et al. (2008, ch. 10), as R's ets
// checks it: simple bounds, then for seasonal models the roots of the
// characteristic polynomial must lie inside the unit circle (Schur-Cohn:
// O(m^2) per check, which the optimiser makes thousands of times).
bool Admissible(const EtsSpec& spec, const EtsParameters& p, int m) {
  const double phi = spec.trend == EtsTrend::kDamped ? p.phi : 1;
  const double alpha = p.alpha;
  const double beta = HasTrend(spec) ? p.beta : 0;
  if (!HasSeason(spec) || m < 2) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    return !HasTrend(spec) ||
           (beta >= alpha * (phi - 1) && beta <= (1 + phi) * (2 - alpha));
  }
  const double gamma = p.gamma;
  if (gamma < std::max(1 - 1 / phi - alpha, 0.0) ||
      gamma > 1 + 1 / phi - alpha) {
    return false;
  }
  if (alpha < 1 - 1 / phi - gamma * (1 - m + phi + phi * m) / (2 * phi * m)) {
    return false;
  }
  if (beta < -(1 - phi) * (gamma / m + alpha)) return false;
  // P(z) = c_0 + c_1 z + ... + c_{m+1} z^{m+1}, c_{m+1} = 1.
  // Reused per thread: the optimiser checks thousands of points a fit.
  thread_local std::vector<double> c;
  c.clear();
  c.push_back(phi * (1 - alpha - gamma));
  c.push_back(alpha + beta - alpha * phi + gamma - 1);
  for (int i = 0; i < m - 2; ++i) c.push_back(alpha + beta - alpha * phi);
  c.push_back(alpha + beta - phi);
  c.push_back(1);
  return RootsInUnitDisk(c);
}

}  // namespace tsforecast::forecast::ets_internal
