#include "forecast/arima/arima_fit.h"

#include <algorithm>
#include <cmath>

#include "Eigen/Dense"
#include "absl/strings/str_cat.h"
#include "forecast/arima/polynomial.h"
#include "forecast/fit/optimizer.h"

namespace tsforecast::forecast::arima {
namespace {

constexpr double kReject = 1e100;

// Jones' (1980) map from R^p to the stationary region: tanh to partial
// autocorrelations, then Durbin-Levinson (R's partrans).
void PacfToAr(absl::Span<const double> raw, double* out) {
  const size_t p = raw.size();
  std::vector<double> work(p);
  for (size_t j = 0; j < p; ++j) work[j] = out[j] = std::tanh(raw[j]);
  for (size_t j = 1; j < p; ++j) {
    const double a = out[j];
    for (size_t k = 0; k < j; ++k) work[k] -= a * out[j - k - 1];
    for (size_t k = 0; k < j; ++k) out[k] = work[k];
  }
}

// The inverse (R's invpartrans); the AR part must be stationary.
void ArToPacf(absl::Span<const double> ar, double* out) {
  const size_t p = ar.size();
  std::vector<double> work(ar.begin(), ar.end());
  for (size_t j = 0; j < p; ++j) out[j] = ar[j];
  for (size_t j = p; j-- > 1;) {
    const double a = out[j];
    for (size_t k = 0; k < j; ++k) {
      work[k] = (out[k] + a * out[j - k - 1]) / (1 - a * a);
    }
    for (size_t k = 0; k < j; ++k) out[k] = work[k];
  }
  for (size_t j = 0; j < p; ++j) out[j] = std::atanh(out[j]);
}

// Applies `f` to the AR and seasonal AR blocks of coef (R's layout).
template <typename F>
void ForArBlocks(const ArimaOrder& o, std::vector<double>& coef, F f) {
  if (o.p > 0) {
    std::vector<double> in(coef.begin(), coef.begin() + o.p);
    f(absl::Span<const double>(in), &coef[0]);
  }
  if (o.P > 0) {
    const size_t at = o.p + o.q;
    std::vector<double> in(coef.begin() + at, coef.begin() + at + o.P);
    f(absl::Span<const double>(in), &coef[at]);
  }
}

// Expands the seasonal products into full phi and theta (R's
// ArimaTransPars with trans = FALSE).
void Expand(const ArimaOrder& o, absl::Span<const double> coef,
            std::vector<double>& phi, std::vector<double>& theta) {
  const int m = o.m;
  phi.assign(o.p + m * o.P, 0.0);
  theta.assign(o.q + m * o.Q, 0.0);
  for (int i = 0; i < o.p; ++i) phi[i] = coef[i];
  for (int i = 0; i < o.q; ++i) theta[i] = coef[o.p + i];
  for (int j = 0; j < o.P; ++j) {
    const double sar = coef[o.p + o.q + j];
    phi[(j + 1) * m - 1] += sar;
    for (int i = 0; i < o.p; ++i) phi[(j + 1) * m + i] -= coef[i] * sar;
  }
  for (int j = 0; j < o.Q; ++j) {
    const double sma = coef[o.p + o.q + o.P + j];
    theta[(j + 1) * m - 1] += sma;
    for (int i = 0; i < o.q; ++i) {
      theta[(j + 1) * m + i] += coef[o.p + i] * sma;
    }
  }
}

// Conditional sum of squares (R's ARIMA_CSS): the mean square of the
// one-step errors of the differenced series from observation `ncond` on.
double CssMeanSquare(absl::Span<const double> w_in, const ArimaOrder& o,
                     const std::vector<double>& phi,
                     const std::vector<double>& theta, int ncond,
                     std::vector<double>* residuals) {
  const int n = static_cast<int>(w_in.size());
  std::vector<double> w(w_in.begin(), w_in.end());
  for (int i = 0; i < o.d; ++i) {
    for (int l = n - 1; l > 0; --l) w[l] -= w[l - 1];
  }
  for (int i = 0; i < o.D; ++i) {
    for (int l = n - 1; l >= o.m; --l) w[l] -= w[l - o.m];
  }
  std::vector<double> resid(n, 0.0);
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  double ssq = 0;
  int used = 0;
  for (int l = ncond; l < n; ++l) {
    double tmp = w[l];
    for (int j = 0; j < p; ++j) tmp -= phi[j] * w[l - j - 1];
    const int jmax = std::min(l - ncond, q);
    for (int j = 0; j < jmax; ++j) tmp -= theta[j] * resid[l - j - 1];
    resid[l] = tmp;
    if (!std::isnan(tmp)) {
      ++used;
      ssq += tmp * tmp;
    }
  }
  if (residuals) *residuals = std::move(resid);
  return used > 0 ? ssq / used : NAN;
}

// Least squares of y on the columns of x (n x k, k <= 2, column-major in
// `cols`): coefficients and standard errors (R's lm(dx ~ dxreg - 1)).
bool LeastSquares(absl::Span<const double> y,
                  const std::vector<std::vector<double>>& cols,
                  std::vector<double>& beta, std::vector<double>& se) {
  const size_t k = cols.size(), n = y.size();
  if (n <= k) return false;
  double a[2][2] = {{0, 0}, {0, 0}}, b[2] = {0, 0};
  for (size_t i = 0; i < k; ++i) {
    for (size_t t = 0; t < n; ++t) b[i] += cols[i][t] * y[t];
    for (size_t j = 0; j < k; ++j) {
      for (size_t t = 0; t < n; ++t) a[i][j] += cols[i][t] * cols[j][t];
    }
  }
  double inv[2][2];
  if (k == 1) {
    if (!(a[0][0] > 0)) return false;
    inv[0][0] = 1 / a[0][0];
  } else {
    const double det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
    if (!(std::fabs(det) > 1e-12 * std::fabs(a[0][0] * a[1][1]))) return false;
    inv[0][0] = a[1][1] / det;
    inv[1][1] = a[0][0] / det;
    inv[0][1] = inv[1][0] = -a[0][1] / det;
  }
  beta.assign(k, 0.0);
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = 0; j < k; ++j) beta[i] += inv[i][j] * b[j];
  }
  double rss = 0;
  for (size_t t = 0; t < n; ++t) {
    double fit = 0;
    for (size_t i = 0; i < k; ++i) fit += beta[i] * cols[i][t];
    rss += (y[t] - fit) * (y[t] - fit);
  }
  const double s2 = rss / (n - k);
  se.assign(k, 0.0);
  for (size_t i = 0; i < k; ++i) se[i] = std::sqrt(s2 * inv[i][i]);
  return true;
}

std::vector<double> Difference(std::vector<double> x, const ArimaOrder& o) {
  for (int i = 0; i < o.d; ++i) {
    for (size_t t = x.size(); t-- > 1;) x[t] -= x[t - 1];
    x.erase(x.begin());
  }
  for (int i = 0; i < o.D && x.size() > static_cast<size_t>(o.m); ++i) {
    for (size_t t = x.size(); t-- > static_cast<size_t>(o.m);) {
      x[t] -= x[t - o.m];
    }
    x.erase(x.begin(), x.begin() + o.m);
  }
  return x;
}

// y minus the regression part.
std::vector<double> Adjusted(absl::Span<const double> y,
                             const std::vector<Regressor>& regs,
                             absl::Span<const double> beta) {
  std::vector<double> w(y.begin(), y.end());
  for (size_t i = 0; i < regs.size(); ++i) {
    for (size_t t = 0; t < w.size(); ++t) {
      w[t] -= beta[i] * RegressorValue(regs[i], t);
    }
  }
  return w;
}

OptimizerResult Bfgs(const std::function<double(absl::Span<const double>)>& f,
                     std::vector<double> start) {
  OptimizerOptions options;
  options.algorithm = OptimizerAlgorithm::kLbfgs;
  options.xtol_rel = 1e-8;
  options.ftol_rel = 1e-10;
  options.ftol_abs = 1e-12;
  // R's BFGS stops after 100 iterations; a few evaluations per line search.
  options.max_evaluations = static_cast<int>(150 * (2 * start.size() + 1));
  return Minimize(f, std::move(start), {}, {}, options);
}

// var = A' (H n_used)^-1 A as R's arima computes var.coef; sets the
// standard errors and whether every variance is usable.
void SetVariances(const std::vector<double>& hessian,
                  const std::vector<double>& jacobian, int n_used,
                  ArimaFit& fit) {
  const int k = static_cast<int>(std::lround(std::sqrt(hessian.size())));
  fit.standard_errors.assign(k, NAN);
  if (k == 0) return;
  Eigen::MatrixXd h(k, k), a(k, k);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      h(i, j) = hessian[i * k + j] * n_used;
      a(i, j) = jacobian.empty() ? (i == j) : jacobian[i * k + j];
    }
  }
  Eigen::FullPivLU<Eigen::MatrixXd> lu(h);
  if (!lu.isInvertible() || !h.allFinite()) {
    fit.variance_ok = false;
    return;
  }
  const Eigen::MatrixXd var = a.transpose() * lu.solve(a);
  fit.variance_ok = var.allFinite();
  for (int i = 0; i < k; ++i) {
    if (var(i, i) >= 0) {
      fit.standard_errors[i] = std::sqrt(var(i, i));
    } else {
      fit.variance_ok = false;
    }
  }
}

// d partrans / d raw by forward differences (R's ArimaGradtrans):
// jacobian[i * k + j] = d coef_j / d raw_i.
std::vector<double> TransformJacobian(const ArimaOrder& o,
                                      const std::vector<double>& raw) {
  const size_t k = raw.size();
  std::vector<double> jac(k * k, 0.0);
  for (size_t i = 0; i < k; ++i) jac[i * k + i] = 1;
  constexpr double kEps = 1e-3;
  const auto block = [&](size_t at, int len) {
    if (len == 0) return;
    std::vector<double> w1(raw.begin() + at, raw.begin() + at + len);
    std::vector<double> w2(len), w3(len);
    PacfToAr(w1, w2.data());
    for (int i = 0; i < len; ++i) {
      w1[i] += kEps;
      PacfToAr(w1, w3.data());
      for (int j = 0; j < len; ++j) {
        jac[(at + i) * k + at + j] = (w3[j] - w2[j]) / kEps;
      }
      w1[i] -= kEps;
    }
  };
  block(0, o.p);
  block(o.p + o.q, o.P);
  return jac;
}

std::vector<double> Steps(const std::vector<double>& scale) {
  std::vector<double> h = scale;
  for (double& v : h) v *= 1e-3;
  return h;
}

// Final state, residuals, variance and likelihood at `coef` (untransformed).
// `value` is the ML objective there (NaN: compute it from the filter).
absl::Status Finish(absl::Span<const double> y, std::vector<double> coef,
                    double value, ArimaFit& fit) {
  const ArimaOrder& o = fit.order;
  const int narma = o.arma();
  const int k = static_cast<int>(fit.regressors.size());
  const int n_used = fit.n_used;
  fit.coef = std::move(coef);
  Expand(o, fit.coef, fit.phi, fit.theta);
  absl::StatusOr<StateSpace> ss =
      StateSpace::Make(fit.phi, fit.theta, DifferencingPolynomial(o));
  if (!ss.ok()) return ss.status();
  const std::vector<double> w =
      Adjusted(y, fit.regressors, absl::MakeConstSpan(fit.coef).subspan(narma));
  const StateSpace::Likelihood lik = ss->Filter(w, &fit.residuals);
  if (!std::isfinite(lik.ssq) || lik.used == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("arima: ", o.ToString(), ": the Kalman filter failed"));
  }
  fit.sigma2 = lik.ssq / n_used;
  fit.state = std::move(*ss);
  if (std::isnan(value)) {
    value = lik.ssq > 0
                ? 0.5 * (std::log(lik.ssq / lik.used) + lik.sumlog / lik.used)
                : -INFINITY;
  }
  const double v2 = 2 * n_used * value + n_used + n_used * std::log(2 * M_PI);
  fit.log_likelihood = -0.5 * v2;
  fit.aic = v2 + 2 * (narma + k) + 2;
  return absl::OkStatus();
}

}  // namespace

std::string ArimaOrder::ToString() const {
  std::string out = absl::StrCat("ARIMA(", p, ",", d, ",", q, ")");
  if (P + D + Q > 0)
    absl::StrAppend(&out, "(", P, ",", D, ",", Q, ")[", m, "]");
  return out;
}

double ForecastVariance(const ArimaFit& fit) {
  double ssq = 0;
  for (double r : fit.residuals) ssq += r * r;
  const double npar = static_cast<double>(fit.coef.size()) + 1;
  return ssq / (fit.n_used - npar + 1);
}

double RegressorValue(Regressor r, size_t t) {
  return r == Regressor::kIntercept ? 1.0 : static_cast<double>(t + 1);
}

std::vector<double> DifferencingPolynomial(const ArimaOrder& o) {
  std::vector<double> poly = {1};
  for (int i = 0; i < o.d; ++i)
    poly = Multiply(poly, std::vector<double>{1, -1});
  for (int i = 0; i < o.D; ++i) {
    std::vector<double> s(o.m + 1, 0.0);
    s[0] = 1;
    s[o.m] = -1;
    poly = Multiply(poly, s);
  }
  std::vector<double> delta;
  for (size_t i = 1; i < poly.size(); ++i) delta.push_back(-poly[i]);
  return delta;
}

absl::StatusOr<ArimaFit> FitArima(absl::Span<const double> y,
                                  const ArimaOrder& order,
                                  const std::vector<Regressor>& regressors,
                                  FitMethod method) {
  const ArimaOrder& o = order;
  if ((o.P + o.D + o.Q > 0) && o.m < 2) {
    return absl::InvalidArgumentError(
        "arima: a seasonal order needs a season length of at least 2");
  }
  const int n = static_cast<int>(y.size());
  const int narma = o.arma();
  const int k = static_cast<int>(regressors.size());
  const std::vector<double> delta = DifferencingPolynomial(o);
  const int n_used = n - static_cast<int>(delta.size());
  const int ncond = o.differences() + o.p + o.m * o.P;
  // Enough points to estimate every coefficient and the variance, and (for
  // CSS) at least one error after the conditioning stretch.
  const int needed =
      std::max(static_cast<int>(delta.size()) + narma + k + 2, ncond + 1);
  if (n < needed) {
    return absl::FailedPreconditionError(
        absl::StrCat("arima: ", o.ToString(), " needs at least ", needed,
                     " points; series has ", n));
  }
  // Initial values: zeros for the ARMA part, least squares on the
  // differenced series for the regression.
  std::vector<double> init(narma + k, 0.0);
  std::vector<double> scale(narma + k, 1.0);
  if (k > 0) {
    std::vector<std::vector<double>> cols, dcols;
    for (Regressor r : regressors) {
      std::vector<double> c(n);
      for (int t = 0; t < n; ++t) c[t] = RegressorValue(r, t);
      dcols.push_back(Difference(c, o));
      cols.push_back(std::move(c));
    }
    std::vector<double> dy =
        Difference(std::vector<double>(y.begin(), y.end()), o);
    std::vector<double> beta, se;
    if (!LeastSquares(dy, dcols, beta, se) &&
        !LeastSquares(y, cols, beta, se)) {
      return absl::FailedPreconditionError(
          "arima: the regression on the mean or drift is degenerate");
    }
    for (int i = 0; i < k; ++i) {
      init[narma + i] = beta[i];
      scale[narma + i] = se[i] > 0 && std::isfinite(se[i]) ? 10 * se[i] : 1;
    }
  }
  // The optimisers work on coef / scale (R's parscale).
  const auto unscale = [&](absl::Span<const double> z) {
    std::vector<double> c(z.begin(), z.end());
    for (size_t i = 0; i < c.size(); ++i) c[i] *= scale[i];
    return c;
  };
  const auto rescale = [&](const std::vector<double>& c) {
    std::vector<double> z = c;
    for (size_t i = 0; i < z.size(); ++i) z[i] /= scale[i];
    return z;
  };
  const auto css_objective = [&](absl::Span<const double> z) {
    const std::vector<double> c = unscale(z);
    std::vector<double> phi, theta;
    Expand(o, c, phi, theta);
    const std::vector<double> w =
        Adjusted(y, regressors, absl::MakeConstSpan(c).subspan(narma));
    const double s2 = CssMeanSquare(w, o, phi, theta, ncond, nullptr);
    return s2 > 0 && std::isfinite(s2) ? 0.5 * std::log(s2) : kReject;
  };
  ArimaFit fit;
  fit.order = o;
  fit.regressors = regressors;
  fit.n_used = n_used;
  if (method == FitMethod::kCss) {
    OptimizerResult r = Bfgs(css_objective, rescale(init));
    fit.coef = unscale(r.x);
    fit.evaluations = r.evaluations;
    fit.converged = r.converged;
    fit.message = r.message;
    Expand(o, fit.coef, fit.phi, fit.theta);
    const std::vector<double> w =
        Adjusted(y, regressors, absl::MakeConstSpan(fit.coef).subspan(narma));
    fit.sigma2 = CssMeanSquare(w, o, fit.phi, fit.theta, ncond, &fit.residuals);
    if (!(fit.sigma2 > 0) || !std::isfinite(r.value) || r.value >= kReject) {
      return absl::FailedPreconditionError(
          absl::StrCat("arima: ", o.ToString(), " CSS fit failed"));
    }
    const double value =
        2 * n_used * r.value + n_used + n_used * std::log(2 * M_PI);
    fit.log_likelihood = -0.5 * value;
    fit.aic = INFINITY;
    SetVariances(NumericalHessian(
                     [&](absl::Span<const double> c) {
                       return css_objective(rescale({c.begin(), c.end()}));
                     },
                     fit.coef, Steps(scale)),
                 {}, n_used, fit);
    return fit;
  }
  if (method == FitMethod::kCssMl) {
    OptimizerResult r = Bfgs(css_objective, rescale(init));
    fit.evaluations += r.evaluations;
    if (r.converged && r.value < kReject) init = unscale(r.x);
    if (o.p > 0 && !ArStationary(absl::MakeConstSpan(init).subspan(0, o.p))) {
      return absl::FailedPreconditionError(
          "arima: non-stationary AR part from CSS");
    }
    if (o.P > 0 &&
        !ArStationary(absl::MakeConstSpan(init).subspan(o.p + o.q, o.P))) {
      return absl::FailedPreconditionError(
          "arima: non-stationary seasonal AR part from CSS");
    }
  }
  // Maximum likelihood over the transformed parameters.
  ForArBlocks(o, init, ArToPacf);
  if (o.q > 0) {
    const std::vector<double> ma =
        MaInvert(absl::MakeConstSpan(init).subspan(o.p, o.q));
    std::copy(ma.begin(), ma.end(), init.begin() + o.p);
  }
  if (o.Q > 0) {
    const size_t at = o.p + o.q + o.P;
    const std::vector<double> sma =
        MaInvert(absl::MakeConstSpan(init).subspan(at, o.Q));
    std::copy(sma.begin(), sma.end(), init.begin() + at);
  }
  const auto ml_objective = [&](absl::Span<const double> z) {
    std::vector<double> c = unscale(z);
    ForArBlocks(o, c, PacfToAr);
    std::vector<double> phi, theta;
    Expand(o, c, phi, theta);
    absl::StatusOr<StateSpace> ss = StateSpace::Make(phi, theta, delta);
    if (!ss.ok()) return kReject;
    const std::vector<double> w =
        Adjusted(y, regressors, absl::MakeConstSpan(c).subspan(narma));
    const StateSpace::Likelihood lik = ss->Filter(w);
    if (lik.used == 0 || !(lik.ssq > 0) || !std::isfinite(lik.ssq)) {
      return kReject;
    }
    return 0.5 * (std::log(lik.ssq / lik.used) + lik.sumlog / lik.used);
  };
  OptimizerResult r = Bfgs(ml_objective, rescale(init));
  fit.evaluations += r.evaluations;
  fit.converged = r.converged;
  fit.message = r.message;
  if (!std::isfinite(r.value) || r.value >= kReject) {
    return absl::FailedPreconditionError(absl::StrCat(
        "arima: ", o.ToString(), " found no stationary maximum likelihood"));
  }
  std::vector<double> coef = unscale(r.x);
  double value = r.value;
  // Make the MA parts invertible; re-evaluate if that moved them.
  bool moved = false;
  const auto invert = [&](size_t at, int len) {
    if (len == 0) return;
    const std::vector<double> ma =
        MaInvert(absl::MakeConstSpan(coef).subspan(at, len));
    for (int i = 0; i < len; ++i) {
      moved |= ma[i] != coef[at + i];
      coef[at + i] = ma[i];
    }
  };
  invert(o.p, o.q);
  invert(o.p + o.q + o.P, o.Q);
  if (moved) value = ml_objective(rescale(coef));
  SetVariances(NumericalHessian(
                   [&](absl::Span<const double> c) {
                     return ml_objective(rescale({c.begin(), c.end()}));
                   },
                   coef, Steps(scale)),
               TransformJacobian(o, coef), n_used, fit);
  ForArBlocks(o, coef, PacfToAr);
  absl::Status s = Finish(y, std::move(coef), value, fit);
  if (!s.ok()) return s;
  return fit;
}

absl::StatusOr<ArimaFit> FixedArima(absl::Span<const double> y,
                                    const ArimaOrder& order,
                                    const std::vector<Regressor>& regressors,
                                    std::vector<double> coef) {
  ArimaFit fit;
  fit.order = order;
  fit.regressors = regressors;
  fit.n_used =
      static_cast<int>(y.size() - DifferencingPolynomial(order).size());
  fit.message = "fixed coefficients";
  if (fit.n_used < 1) {
    return absl::FailedPreconditionError(absl::StrCat(
        "arima: ", order.ToString(), " needs more than ", y.size(), " points"));
  }
  absl::Status s = Finish(y, std::move(coef), NAN, fit);
  if (!s.ok()) return s;
  return fit;
}

}  // namespace tsforecast::forecast::arima
