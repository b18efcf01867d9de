#include "forecast/arima/auto_arima.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "forecast/arima/differencing_tests.h"
#include "forecast/arima/polynomial.h"
#include "forecast/fit/information_criteria.h"

namespace tsforecast::forecast::arima {
namespace {

// Roots this close to the unit circle make auto.arima reject a model.
constexpr double kMinRootModulus = 1.01;

const char* IcName(InformationCriterion ic) {
  switch (ic) {
    case InformationCriterion::kAicc:
      return "AICc";
    case InformationCriterion::kAic:
      return "AIC";
    case InformationCriterion::kBic:
      return "BIC";
  }
  return "";
}

// Smallest root modulus of a polynomial's non-negligible leading part
// (auto.arima drops trailing coefficients under 1e-8).
double MinRoot(const std::vector<double>& coef, bool ar) {
  size_t last = 0;
  for (size_t i = 0; i < coef.size(); ++i) {
    if (std::fabs(coef[i]) > 1e-8) last = i + 1;
  }
  if (last == 0) return 2;
  const absl::Span<const double> head(coef.data(), last);
  return ar ? MinArRootModulus(head) : MinMaRootModulus(head);
}

struct Tried {
  ArimaOrder order;
  bool constant;
  double ic;
};

double Mean(const std::vector<double>& x) {
  return x.empty() ? 0 : std::accumulate(x.begin(), x.end(), 0.0) / x.size();
}

// auto.arima's answer for series that are deterministic after
// differencing: the polynomial continued, with no estimation.
absl::StatusOr<AutoArimaResult> Deterministic(absl::Span<const double> y, int d,
                                              int D, int m,
                                              const std::vector<double>& dx) {
  ArimaOrder o{.d = d, .D = D, .m = D > 0 ? m : 1};
  std::vector<Regressor> regs;
  std::vector<double> coef;
  if (D > 0 && d == 0) {
    regs = {Regressor::kDrift};
    coef = {Mean(dx) / m};
  } else if (D == 0 && d < 2) {
    regs = {d == 0 ? Regressor::kIntercept : Regressor::kDrift};
    coef = {Mean(dx)};
  }
  absl::StatusOr<ArimaFit> fit = FixedArima(y, o, regs, coef);
  if (!fit.ok()) return fit.status();
  AutoArimaResult out;
  out.sigma2 = fit->sigma2;
  out.fit = std::move(*fit);
  out.how = "the series is deterministic after differencing";
  return out;
}

}  // namespace

Candidate FitCandidate(absl::Span<const double> y, const ArimaOrder& order,
                       bool constant, InformationCriterion ic,
                       bool approximation, double offset, double to_beat) {
  Candidate c;
  const int diffs = order.d + order.D;
  std::vector<Regressor> regs;
  if (constant && diffs == 1) regs = {Regressor::kDrift};
  if (constant && diffs == 0) regs = {Regressor::kIntercept};
  const FitMethod method = approximation ? FitMethod::kCss : FitMethod::kCssMl;
  absl::StatusOr<ArimaFit> fit = FitArima(y, order, regs, method, false);
  if (!fit.ok()) return c;
  // R's myarima: AIC from the likelihood, or for a CSS fit from the offset
  // and the CSS variance; AICc and BIC from the AIC on the n* observations
  // left after differencing, counting the variance as a parameter.
  const size_t nstar = y.size() - order.differences();
  const int npar = order.arma() + static_cast<int>(regs.size()) + 1;
  const double log_likelihood =
      approximation ? -0.5 * (offset + nstar * std::log(fit->sigma2))
                    : fit->log_likelihood;
  FitSummary criteria;
  SetInformationCriteria(log_likelihood, npar, nstar, criteria);
  if (std::isfinite(criteria.aic) && nstar > static_cast<size_t>(npar) + 1) {
    switch (ic) {
      case InformationCriterion::kAic:
        c.ic = criteria.aic;
        break;
      case InformationCriterion::kBic:
        c.ic = criteria.bic;
        break;
      case InformationCriterion::kAicc:
        c.ic = criteria.aicc;
        break;
    }
  }
  c.sigma2 = ForecastVariance(*fit);
  double min_root = 2;
  if (order.p + order.P > 0)
    min_root = std::min(min_root, MinRoot(fit->phi, true));
  if (order.q + order.Q > 0 && c.ic < INFINITY) {
    min_root = std::min(min_root, MinRoot(fit->theta, false));
  }
  if (min_root < kMinRootModulus) c.ic = INFINITY;
  // R's checkarima (every coefficient variance usable) needs a Hessian;
  // it can only matter to a fit that would win.
  if (c.ic < to_beat &&
      (!AddVariances(y, method, *fit).ok() || !fit->variance_ok)) {
    c.ic = INFINITY;
  }
  c.fit = std::move(*fit);
  return c;
}

absl::StatusOr<AutoArimaResult> AutoArima(absl::Span<const double> y, int m,
                                          const AutoArimaOptions& options) {
  const int n = static_cast<int>(y.size());
  if (n == 0)
    return absl::FailedPreconditionError("arima: the series is empty");
  if (IsConstant(y)) {
    std::vector<double> dx(y.begin(), y.end());
    if (!options.allow_mean) {
      absl::StatusOr<ArimaFit> fit = FixedArima(y, ArimaOrder{}, {}, {});
      if (!fit.ok()) return fit.status();
      AutoArimaResult out;
      out.fit = std::move(*fit);
      out.how = "the series is constant";
      return out;
    }
    absl::StatusOr<AutoArimaResult> r = Deterministic(y, 0, 0, 1, dx);
    if (r.ok()) r->how = "the series is constant";
    return r;
  }
  AutoArimaOptions o = options;
  m = std::max(m, 1);
  o.max_p = std::min(o.max_p, n / 3);
  o.max_q = std::min(o.max_q, n / 3);
  o.max_P = std::min(o.max_P, n / 3 / m);
  o.max_Q = std::min(o.max_Q, n / 3 / m);
  InformationCriterion ic = n <= 3 ? InformationCriterion::kAic : o.ic;
  int D = 0;
  if (m == 1) {
    o.max_P = o.max_Q = 0;
  } else if (n > 2 * m) {
    D = NumberOfSeasonalDifferences(y, m, o.max_D);
  }
  std::vector<double> dx(y.begin(), y.end());
  for (int i = 0; i < D; ++i) dx = Difference(dx, m);
  const int d = NumberOfDifferences(dx, o.max_d);
  for (int i = 0; i < d; ++i) dx = Difference(dx, 1);
  if (dx.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "arima: ", n, " points are not enough after differencing (d=", d,
        ", D=", D, ")"));
  }
  if (IsConstant(dx)) return Deterministic(y, d, D, m, dx);
  if (m > 1) {
    if (o.max_P > 0) o.max_p = std::min(o.max_p, m - 1);
    if (o.max_Q > 0) o.max_q = std::min(o.max_q, m - 1);
  }
  const bool approximation = o.approximation == Approximation::kAuto
                                 ? (n > 150 || m > 12)
                                 : o.approximation == Approximation::kOn;
  const int sm = D > 0 || o.max_P + o.max_Q > 0 ? m : 1;
  double offset = 0;
  if (approximation) {
    // stats::arima's own default includes the mean when undifferenced.
    const ArimaOrder base{.d = d, .D = D, .m = sm};
    absl::StatusOr<ArimaFit> fit =
        FitArima(y, base,
                 d + D == 0 ? std::vector<Regressor>{Regressor::kIntercept}
                            : std::vector<Regressor>{},
                 FitMethod::kCssMl);
    if (fit.ok()) offset = -2 * fit->log_likelihood - n * std::log(fit->sigma2);
  }
  const bool allow_drift = o.allow_drift && d + D == 1;
  const bool allow_mean = o.allow_mean && d + D == 0;
  bool constant = allow_drift || allow_mean;
  std::vector<Tried> tried;
  Candidate best;
  const auto order_of = [&](int p, int q, int P, int Q) {
    return ArimaOrder{.p = p, .d = d, .q = q, .P = P, .D = D, .Q = Q, .m = sm};
  };
  const auto fit = [&](int p, int q, int P, int Q, bool with_constant) {
    const ArimaOrder ord = order_of(p, q, P, Q);
    Candidate c =
        FitCandidate(y, ord, with_constant, ic, approximation, offset, best.ic);
    tried.push_back({ord, with_constant, c.ic});
    return c;
  };
  std::string how;
  if (!o.stepwise) {
    for (int i = 0; i <= o.max_p; ++i) {
      for (int j = 0; j <= o.max_q; ++j) {
        for (int I = 0; I <= o.max_P; ++I) {
          for (int J = 0; J <= o.max_Q; ++J) {
            if (i + j + I + J > o.max_order) continue;
            for (int K = 0; K <= (allow_drift || allow_mean ? 1 : 0); ++K) {
              Candidate c = fit(i, j, I, J, K == 1);
              if (c.ic < best.ic) best = std::move(c);
            }
          }
        }
      }
    }
    how =
        absl::StrCat("search of all ", tried.size(), " models by ", IcName(ic));
  } else {
    int start_p = o.start_p, start_q = o.start_q, start_P = o.start_P,
        start_Q = o.start_Q;
    if (n < 10) {
      start_p = std::min(start_p, 1);
      start_q = std::min(start_q, 1);
      start_P = start_Q = 0;
    }
    int p = std::min(start_p, o.max_p), q = std::min(start_q, o.max_q);
    int P = std::min(start_P, o.max_P), Q = std::min(start_Q, o.max_Q);
    best = fit(p, q, P, Q, constant);
    {
      Candidate c = fit(0, 0, 0, 0, constant);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = q = P = Q = 0;
      }
    }
    if (o.max_p > 0 || o.max_P > 0) {
      const int ap = o.max_p > 0, aP = m > 1 && o.max_P > 0;
      Candidate c = fit(ap, 0, aP, 0, constant);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = ap;
        P = aP;
        q = Q = 0;
      }
    }
    if (o.max_q > 0 || o.max_Q > 0) {
      const int aq = o.max_q > 0, aQ = m > 1 && o.max_Q > 0;
      Candidate c = fit(0, aq, 0, aQ, constant);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = P = 0;
        Q = aQ;
        q = aq;
      }
    }
    if (constant) {
      Candidate c = fit(0, 0, 0, 0, false);
      if (c.ic < best.ic) {
        best = std::move(c);
        p = q = P = Q = 0;
      }
    }
    const auto is_new = [&](int np, int nq, int nP, int nQ, bool k) {
      const ArimaOrder ord = order_of(np, nq, nP, nQ);
      for (const Tried& t : tried) {
        if (t.order == ord && t.constant == k) return false;
      }
      return true;
    };
    // The moves of Hyndman and Khandakar's search, seasonal ones first, in
    // R's order; the first improvement restarts the scan.
    struct Move {
      int dp, dq, dP, dQ;
    };
    static constexpr Move kMoves[] = {
        {0, 0, -1, 0},  {0, 0, 0, -1}, {0, 0, 1, 0},  {0, 0, 0, 1},
        {0, 0, -1, -1}, {0, 0, -1, 1}, {0, 0, 1, -1}, {0, 0, 1, 1},
        {-1, 0, 0, 0},  {0, -1, 0, 0}, {1, 0, 0, 0},  {0, 1, 0, 0},
        {-1, -1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0}, {1, 1, 0, 0}};
    size_t start = 0;
    while (start < tried.size() &&
           static_cast<int>(tried.size()) < o.max_models) {
      start = tried.size();
      bool improved = false;
      for (const Move& mv : kMoves) {
        const int np = p + mv.dp, nq = q + mv.dq, nP = P + mv.dP,
                  nQ = Q + mv.dQ;
        if (np < 0 || nq < 0 || nP < 0 || nQ < 0 || np > o.max_p ||
            nq > o.max_q || nP > o.max_P || nQ > o.max_Q) {
          continue;
        }
        if (!is_new(np, nq, nP, nQ, constant)) continue;
        if (static_cast<int>(tried.size()) >= o.max_models) break;
        Candidate c = fit(np, nq, nP, nQ, constant);
        if (c.ic < best.ic) {
          best = std::move(c);
          p = np;
          q = nq;
          P = nP;
          Q = nQ;
          improved = true;
          break;
        }
      }
      if (improved) continue;
      if ((allow_drift || allow_mean) && is_new(p, q, P, Q, !constant) &&
          static_cast<int>(tried.size()) < o.max_models) {
        Candidate c = fit(p, q, P, Q, !constant);
        if (c.ic < best.ic) {
          best = std::move(c);
          constant = !constant;
        }
      }
    }
    how = absl::StrCat("stepwise search of ", tried.size(), " models by ",
                       IcName(ic));
  }
  const int fitted = static_cast<int>(tried.size());
  if (approximation) {
    // Refit by maximum likelihood, best first, until one is acceptable.
    std::vector<size_t> order(tried.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return tried[a].ic < tried[b].ic;
    });
    best = Candidate{};
    for (size_t i : order) {
      if (!std::isfinite(tried[i].ic)) break;
      Candidate c = FitCandidate(y, tried[i].order, tried[i].constant, ic,
                                 false, 0, INFINITY);
      if (c.ic < INFINITY) {
        best = std::move(c);
        break;
      }
    }
    absl::StrAppend(&how, " (CSS), refitted by maximum likelihood");
  }
  if (!(best.ic < INFINITY) || !best.fit.state.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "arima: no suitable ARIMA model found (", fitted,
        " tried; every fit failed or had a root on the unit circle)"));
  }
  AutoArimaResult out;
  out.sigma2 = best.sigma2;
  out.ic = best.ic;
  out.models_fitted = fitted;
  out.fit = std::move(best.fit);
  out.how = std::move(how);
  return out;
}

}  // namespace tsforecast::forecast::arima
