#include "forecast/ets/ets_gradient.h"

#include <algorithm>
#include <cmath>

namespace tsforecast::forecast::ets_internal {
namespace {

constexpr double kRejected = 1e100;

double Reject(double* gradient, size_t size) {
  if (gradient != nullptr) std::fill(gradient, gradient + size, 0.0);
  return kRejected;
}

// The recursion of RunTyped written as l' = q + alpha r, b' = phi b +
// beta r with r = pv - q (the same update), each state with its gradient.
template <EtsError E, EtsTrend T, EtsSeason S>
double Evaluate(const SearchLayout& layout, absl::Span<const double> y,
                absl::Span<const double> x, double* gradient,
                GradientScratch& w) {
  constexpr bool kTrend = T != EtsTrend::kNone;
  constexpr bool kDamped = T == EtsTrend::kDamped;
  constexpr bool kSeason = S != EtsSeason::kNone;
  constexpr bool kPositive =
      E == EtsError::kMultiplicative || S == EtsSeason::kMultiplicative;
  const EtsParameters& p = w.p;
  const size_t size = x.size();
  const size_t m = kSeason ? static_cast<size_t>(layout.m) : 0;
  // Where each parameter sits in x (SearchLayout's order).
  size_t next = 0;
  const size_t i_alpha = next++, i_level = next++;
  size_t i_beta = 0, i_trend = 0, i_phi = 0, i_gamma = 0, i_season = 0;
  if (kTrend) {
    i_beta = next++;
    i_trend = next++;
  }
  if (kDamped) i_phi = next++;
  if (kSeason) i_gamma = next++;
  if (layout.seasons_free) i_season = next;
  const double alpha = p.alpha;
  const double beta = kTrend ? p.beta : 0;
  const double phi = kDamped ? p.phi : 1;
  const double gamma = kSeason ? p.gamma : 0;
  const double beta_ratio = kTrend ? x[i_beta] : 0;
  const double gamma_ratio = kSeason ? x[i_gamma] : 0;

  double level = p.level0, trend = kTrend ? p.trend0 : 0;
  w.season.assign(p.season0.begin(), p.season0.end());
  double* season = w.season.data();
  const bool with_gradient = gradient != nullptr;
  if (with_gradient) {
    for (std::vector<double>* v :
         {&w.dl, &w.db, &w.dq, &w.dphib, &w.dmu, &w.dr, &w.dsse, &w.dlog}) {
      v->assign(size, 0.0);
    }
    w.ds.assign(m * size, 0.0);
    w.dl[i_level] = layout.scale;
    if (kTrend) w.db[i_trend] = layout.scale;
    if (layout.seasons_free) {
      // The last state is the normalisation's: minus the others' sum
      // (additive) or m minus it (multiplicative).
      const double unit = layout.SeasonScale();
      for (size_t j = 0; j + 1 < m; ++j) {
        w.ds[j * size + i_season + j] = unit;
        w.ds[(m - 1) * size + i_season + j] = -unit;
      }
    }
  }
  double* dl = w.dl.data();
  double* db = w.db.data();
  double* dq = w.dq.data();
  double* dphib = w.dphib.data();
  double* dmu = w.dmu.data();
  double* dr = w.dr.data();
  double* dsse = w.dsse.data();
  double* dlog = w.dlog.data();

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
      if (!(mu > 0)) return Reject(gradient, size);
    }
    const double r = pv - q;
    // e, or e / mu for multiplicative errors.
    const double error = AddError<E>(v, mu, sse, product_mu);
    const double season_term = SeasonTerm<S>(q, s, v);
    if (with_gradient) {
      double* ds = kSeason ? w.ds.data() + j * size : nullptr;
      const double dmu_weight = E == EtsError::kMultiplicative
                                    ? 2 * error * (-v / (mu * mu))
                                    : -2 * error;
      for (size_t k = 0; k < size; ++k) {
        dphib[k] = kTrend ? phi * db[k] : 0;
        dq[k] = dl[k] + dphib[k];
      }
      if constexpr (kDamped) {
        dphib[i_phi] += trend;
        dq[i_phi] += trend;
      }
      for (size_t k = 0; k < size; ++k) {
        double dpv = 0;
        if constexpr (S == EtsSeason::kNone) {
          dmu[k] = dq[k];
        } else if constexpr (S == EtsSeason::kAdditive) {
          dmu[k] = dq[k] + ds[k];
          dpv = -ds[k];
        } else {
          dmu[k] = dq[k] * s + q * ds[k];
          dpv = -v / (s * s) * ds[k];
        }
        dr[k] = dpv - dq[k];
        dsse[k] += dmu_weight * dmu[k];
        if constexpr (E == EtsError::kMultiplicative) dlog[k] += dmu[k] / mu;
        if constexpr (S == EtsSeason::kAdditive) {
          ds[k] += gamma * (-dq[k] - ds[k]);
        } else if constexpr (S == EtsSeason::kMultiplicative) {
          ds[k] += gamma * (-v / (q * q) * dq[k] - ds[k]);
        }
        dl[k] = dq[k] + alpha * dr[k];
        if constexpr (kTrend) db[k] = dphib[k] + beta * dr[k];
      }
      // The smoothing parameters' own terms (beta = alpha x_beta, gamma =
      // (1 - alpha) x_gamma).
      dl[i_alpha] += r;
      if constexpr (kTrend) {
        db[i_alpha] += r * beta_ratio;
        db[i_beta] += r * alpha;
      }
      if constexpr (kSeason) {
        ds[i_alpha] += -gamma_ratio * season_term;
        ds[i_gamma] += (1 - alpha) * season_term;
      }
    }
    if constexpr (kSeason) season[j] = s + gamma * season_term;
    level = q + alpha * r;
    if constexpr (kTrend) trend = phib + beta * r;
    if constexpr (kSeason) {
      if (++j == m) j = 0;
    }
  }
  const double log_mu = E == EtsError::kMultiplicative ? product_mu.Log() : 0;
  if (!std::isfinite(sse) || !std::isfinite(log_mu)) {
    return Reject(gradient, size);
  }
  const double n = static_cast<double>(y.size());
  sse = std::max(sse, 1e-300);  // as LogLikelihood has it
  const double value =
      layout.Objective(LogLikelihood(sse, log_mu, y.size()), y.size());
  if (with_gradient) {
    for (size_t k = 0; k < size; ++k) {
      gradient[k] = n * dsse[k] / sse + 2 * dlog[k];
      if (!std::isfinite(gradient[k])) return Reject(gradient, size);
    }
  }
  return value;
}

}  // namespace

double ObjectiveAndGradient(const SearchLayout& layout,
                            const EtsParameters& base,
                            absl::Span<const double> y,
                            absl::Span<const double> x, double* gradient,
                            GradientScratch& scratch) {
  const EtsSpec& spec = layout.spec;
  if (!layout.Decode(x, base, scratch.p) ||
      !Admissible(spec, scratch.p, layout.m)) {
    return Reject(gradient, x.size());
  }
  return DispatchForm(spec, [&]<EtsError E, EtsTrend T, EtsSeason S>() {
    return Evaluate<E, T, S>(layout, y, x, gradient, scratch);
  });
}

}  // namespace tsforecast::forecast::ets_internal
