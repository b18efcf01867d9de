#include "forecast/arima/arima_fit.h"

#include <algorithm>
#include <cmath>

#include "Eigen/Dense"
#include "absl/strings/str_cat.h"
#include "forecast/arima/differencing_tests.h"
#include "forecast/arima/parameters.h"
#include "forecast/arima/polynomial.h"
#include "forecast/fit/optimizer.h"

namespace tsforecast::forecast::arima {
namespace {

constexpr double kReject = 1e100;

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

// The d ordinary and D seasonal differences of the order.
std::vector<double> Differenced(std::vector<double> x, const ArimaOrder& o) {
  for (int i = 0; i < o.d; ++i) x = Difference(x, 1);
  for (int i = 0; i < o.D; ++i) x = Difference(x, o.m);
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

OptimizerOptions BfgsOptions(size_t parameters) {
  OptimizerOptions options;
  options.algorithm = OptimizerAlgorithm::kLbfgs;
  options.xtol_rel = 1e-8;
  options.ftol_rel = 1.5e-8;  // R's reltol
  options.ftol_abs = 1e-12;
  // R's BFGS stops after 100 iterations; a few evaluations per line search.
  options.max_evaluations = static_cast<int>(150 * (2 * parameters + 1));
  return options;
}

OptimizerResult Bfgs(const std::function<double(absl::Span<const double>)>& f,
                     std::vector<double> start) {
  const OptimizerOptions options = BfgsOptions(start.size());
  return Minimize(f, std::move(start), {}, {}, options);
}

OptimizerResult Bfgs(const ObjectiveWithGradient& f,
                     std::vector<double> start) {
  const OptimizerOptions options = BfgsOptions(start.size());
  return MinimizeWithGradient(f, std::move(start), options);
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

// Final state, residuals, variance and likelihood at `coef` (untransformed)
// from R's full filter, differencing states included.
absl::Status Finish(absl::Span<const double> y, std::vector<double> coef,
                    ArimaFit& fit) {
  const ArimaOrder& o = fit.order;
  const int narma = o.arma();
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
  const double value =
      lik.ssq > 0 ? 0.5 * (std::log(lik.ssq / lik.used) + lik.sumlog / lik.used)
                  : -INFINITY;
  const double v2 = 2 * n_used * value + n_used + n_used * std::log(2 * M_PI);
  fit.log_likelihood = -0.5 * v2;
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

namespace {

// One ARIMA estimation problem: the data differenced once, the scaling,
// and the CSS and ML objectives over scaled parameters z = coef / scale
// (R's parscale).
class Problem {
 public:
  Problem(absl::Span<const double> y, const ArimaOrder& o,
          const std::vector<Regressor>& regressors)
      : o_(o), k_(static_cast<int>(regressors.size())) {
    const int n = static_cast<int>(y.size());
    dy_ = Differenced(std::vector<double>(y.begin(), y.end()), o);
    for (Regressor reg : regressors) {
      std::vector<double> c(n);
      for (int t = 0; t < n; ++t) c[t] = RegressorValue(reg, t);
      dregs_.push_back(Differenced(c, o));
      regs_.push_back(std::move(c));
    }
    scale_.assign(o.arma() + k_, 1.0);
  }

  // Least squares of the differenced series on the differenced regressors
  // (the undifferenced ones if that is degenerate) as R's start, with ten
  // standard errors as the scale. False when both are degenerate.
  bool RegressionStart(absl::Span<const double> y, std::vector<double>& init) {
    if (k_ == 0) return true;
    std::vector<double> beta, se;
    if (!LeastSquares(dy_, dregs_, beta, se) &&
        !LeastSquares(y, regs_, beta, se)) {
      return false;
    }
    for (int i = 0; i < k_; ++i) {
      init[o_.arma() + i] = beta[i];
      scale_[o_.arma() + i] =
          se[i] > 0 && std::isfinite(se[i]) ? 10 * se[i] : 1;
    }
    return true;
  }

  std::vector<double> Unscale(absl::Span<const double> z) const {
    std::vector<double> c(z.begin(), z.end());
    for (size_t i = 0; i < c.size(); ++i) c[i] *= scale_[i];
    return c;
  }
  std::vector<double> Rescale(const std::vector<double>& c) const {
    std::vector<double> z = c;
    for (size_t i = 0; i < z.size(); ++i) z[i] /= scale_[i];
    return z;
  }
  std::vector<double> Steps() const {
    std::vector<double> h = scale_;
    for (double& v : h) v *= 1e-3;
    return h;
  }

  // 0.5 log of the conditional mean square (R's armaCSS).
  double Css(absl::Span<const double> z) {
    c_.assign(z.begin(), z.end());
    for (size_t i = 0; i < c_.size(); ++i) c_[i] *= scale_[i];
    const std::vector<double>& w = Adjust(c_);
    Expand(o_, c_, phi_, theta_);
    const double s2 = CssMeanSquare(w, phi_, theta_, nullptr);
    return s2 > 0 && std::isfinite(s2) ? 0.5 * std::log(s2) : kReject;
  }

  // Css and its gradient in z, by differentiating the residual recursion
  // (each coefficient's derivative series follows the MA recursion of the
  // residuals): about k + 1 residual passes instead of the 2k + 1 of
  // central differences, and an exact gradient for BFGS.
  double CssWithGradient(absl::Span<const double> z, double* grad) {
    const double value = Css(z);
    if (grad == nullptr || value >= kReject) {
      if (grad != nullptr) std::fill(grad, grad + z.size(), 0.0);
      return value;
    }
    const std::vector<double>& w = Adjust(c_);
    const int n = static_cast<int>(w.size());
    const int ncond = o_.p + o_.m * o_.P;
    const int np = o_.arma(), m = o_.m;
    // d phi / d coef and d theta / d coef as sparse (index, value) lists.
    std::vector<std::vector<std::pair<int, double>>> dphi(np + k_),
        dtheta(np + k_);
    for (int i = 0; i < o_.p; ++i) {
      dphi[i].push_back({i, 1.0});
      for (int s = 0; s < o_.P; ++s) {
        dphi[i].push_back({(s + 1) * m + i, -c_[o_.p + o_.q + s]});
      }
    }
    for (int s = 0; s < o_.P; ++s) {
      const int a = o_.p + o_.q + s;
      dphi[a].push_back({(s + 1) * m - 1, 1.0});
      for (int i = 0; i < o_.p; ++i)
        dphi[a].push_back({(s + 1) * m + i, -c_[i]});
    }
    for (int i = 0; i < o_.q; ++i) {
      const int a = o_.p + i;
      dtheta[a].push_back({i, 1.0});
      for (int s = 0; s < o_.Q; ++s) {
        dtheta[a].push_back({(s + 1) * m + i, c_[o_.p + o_.q + o_.P + s]});
      }
    }
    for (int s = 0; s < o_.Q; ++s) {
      const int a = o_.p + o_.q + o_.P + s;
      dtheta[a].push_back({(s + 1) * m - 1, 1.0});
      for (int i = 0; i < o_.q; ++i) {
        dtheta[a].push_back({(s + 1) * m + i, c_[o_.p + i]});
      }
    }
    const std::vector<double>& e = resid_;  // from Css above
    std::vector<int>& ma = ma_index_;
    double ssq = 0;
    for (int l = ncond; l < n; ++l) ssq += e[l] * e[l];
    // All derivative series at once, [l][a] contiguous: they share the MA
    // recursion D_l -= theta_j D_{l-j-1}, which then runs across the
    // coefficients in one vectorisable loop.
    const int kk = np + k_;
    std::vector<double>& d = gradient_scratch_;
    d.assign(static_cast<size_t>(n) * kk, 0.0);
    std::vector<double> dot(kk, 0.0);
    for (int l = ncond; l < n; ++l) {
      double* dl = &d[static_cast<size_t>(l) * kk];
      const int jmax = l - ncond;
      for (int a = 0; a < kk; ++a) {
        double v = 0;
        if (a >= np) {
          // w depends on a regression coefficient: d w_l = -dreg_l, and
          // through phi.
          const std::vector<double>& dreg = dregs_[a - np];
          v -= dreg[l];
          for (int j : ar_index_) v += phi_[j] * dreg[l - j - 1];
        }
        for (const auto& [j, dv] : dphi[a]) v -= dv * w[l - j - 1];
        for (const auto& [j, dv] : dtheta[a]) {
          if (j < jmax) v -= dv * e[l - j - 1];
        }
        dl[a] = v;
      }
      for (int j : ma) {
        if (j >= jmax) break;
        const double th = theta_[j];
        const double* dp = &d[static_cast<size_t>(l - j - 1) * kk];
        for (int a = 0; a < kk; ++a) dl[a] -= th * dp[a];
      }
      for (int a = 0; a < kk; ++a) dot[a] += e[l] * dl[a];
    }
    for (int a = 0; a < kk; ++a) grad[a] = dot[a] / ssq * scale_[a];
    return value;
  }

  // The CSS mean square and residuals at coef.
  double CssAt(const std::vector<double>& coef, std::vector<double>& phi,
               std::vector<double>& theta, std::vector<double>* residuals) {
    const std::vector<double>& w = Adjust(coef);
    Expand(o_, coef, phi, theta);
    return CssMeanSquare(w, phi, theta, residuals);
  }

  // R's armafn with transformed AR parts: 0.5 (log s2 + sum log gain / n).
  // The diffuse prior on the differencing states makes the likelihood of y
  // that of its differences (exactly so as kappa grows; to about 1e-6 at
  // R's kappa), so only the ARMA states are filtered here.
  double Ml(absl::Span<const double> z) {
    std::vector<double>& c = ml_c_;
    c.assign(z.begin(), z.end());
    for (size_t i = 0; i < c.size(); ++i) c[i] *= scale_[i];
    ForArBlocks(o_, c, PacfToAr);
    Expand(o_, c, ml_phi_, ml_theta_);
    const absl::StatusOr<StateSpace::Likelihood> found =
        StationaryArmaLikelihood(ml_phi_, ml_theta_, Adjust(c));
    if (!found.ok()) return kReject;
    const StateSpace::Likelihood& lik = *found;
    if (lik.used == 0 || !(lik.ssq > 0) || !std::isfinite(lik.ssq)) {
      return kReject;
    }
    return 0.5 * (std::log(lik.ssq / lik.used) + lik.sumlog / lik.used);
  }

 private:
  // The differenced series less the differenced regression (no copy
  // without a regression).
  const std::vector<double>& Adjust(absl::Span<const double> c) {
    if (k_ == 0) return dy_;
    w_ = dy_;
    for (int i = 0; i < k_; ++i) {
      const double beta = c[o_.arma() + i];
      for (size_t t = 0; t < w_.size(); ++t) w_[t] -= beta * dregs_[i][t];
    }
    return w_;
  }

  // R's ARIMA_CSS on the differenced series: errors from observation
  // p + mP on, the MA recursion started at zero.
  double CssMeanSquare(const std::vector<double>& w,
                       const std::vector<double>& phi,
                       const std::vector<double>& theta,
                       std::vector<double>* residuals) {
    const int n = static_cast<int>(w.size());
    const int ncond = o_.p + o_.m * o_.P;
    // The expanded seasonal polynomials are mostly zeros.
    std::vector<int>& ar = ar_index_;
    std::vector<int>& ma = ma_index_;
    ar.clear();
    ma.clear();
    for (size_t j = 0; j < phi.size(); ++j) {
      if (phi[j] != 0) ar.push_back(static_cast<int>(j));
    }
    for (size_t j = 0; j < theta.size(); ++j) {
      if (theta[j] != 0) ma.push_back(static_cast<int>(j));
    }
    std::vector<double>& resid = resid_;
    resid.assign(n, 0.0);
    double ssq = 0;
    int used = 0;
    for (int l = ncond; l < n; ++l) {
      double tmp = w[l];
      for (int j : ar) tmp -= phi[j] * w[l - j - 1];
      const int jmax = l - ncond;
      for (int j : ma) {
        if (j >= jmax) break;
        tmp -= theta[j] * resid[l - j - 1];
      }
      resid[l] = tmp;
      if (!std::isnan(tmp)) {
        ++used;
        ssq += tmp * tmp;
      }
    }
    if (residuals) {
      // In R's layout: zeros for the differencing stretch too.
      residuals->assign(o_.differences(), 0.0);
      residuals->insert(residuals->end(), resid.begin(), resid.end());
    }
    return used > 0 ? ssq / used : NAN;
  }

  ArimaOrder o_;
  int k_;
  std::vector<double> dy_;
  std::vector<std::vector<double>> regs_, dregs_;
  std::vector<double> scale_;
  // Scratch reused across evaluations (the optimisers call these thousands
  // of times).
  std::vector<double> w_, c_, phi_, theta_, resid_;
  std::vector<double> ml_c_, ml_phi_, ml_theta_, gradient_scratch_;
  std::vector<int> ar_index_, ma_index_;
};

// Sets fit.standard_errors and fit.variance_ok from the Hessian of the
// objective `method` minimised (at coef, untransformed).
void ComputeVariances(Problem& problem, FitMethod method, ArimaFit& fit) {
  const ArimaOrder& o = fit.order;
  std::vector<double> at = fit.coef;
  std::vector<double> jacobian;
  std::function<double(absl::Span<const double>)> f;
  if (method == FitMethod::kCss) {
    f = [&](absl::Span<const double> c) {
      return problem.Css(problem.Rescale({c.begin(), c.end()}));
    };
  } else {
    ForArBlocks(o, at, ArToPacf);
    jacobian = TransformJacobian(o, at);
    f = [&](absl::Span<const double> c) {
      return problem.Ml(problem.Rescale({c.begin(), c.end()}));
    };
  }
  SetVariances(NumericalHessian(f, at, problem.Steps()), jacobian, fit.n_used,
               fit);
}

absl::Status CheckFits(const ArimaOrder& o, int n, int k) {
  if ((o.P + o.D + o.Q > 0) && o.m < 2) {
    return absl::InvalidArgumentError(
        "arima: a seasonal order needs a season length of at least 2");
  }
  const int dlen = o.differences();
  const int ncond = dlen + o.p + o.m * o.P;
  // Enough points to estimate every coefficient and the variance, and (for
  // CSS) at least one error after the conditioning stretch.
  const int needed = std::max(dlen + o.arma() + k + 2, ncond + 1);
  if (n < needed) {
    return absl::FailedPreconditionError(
        absl::StrCat("arima: ", o.ToString(), " needs at least ", needed,
                     " points; series has ", n));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ArimaFit> FitArima(absl::Span<const double> y,
                                  const ArimaOrder& order,
                                  const std::vector<Regressor>& regressors,
                                  FitMethod method, bool variances) {
  const ArimaOrder& o = order;
  const int n = static_cast<int>(y.size());
  const int k = static_cast<int>(regressors.size());
  absl::Status s = CheckFits(o, n, k);
  if (!s.ok()) return s;
  Problem problem(y, o, regressors);
  std::vector<double> init(o.arma() + k, 0.0);
  if (!problem.RegressionStart(y, init)) {
    return absl::FailedPreconditionError(
        "arima: the regression on the mean or drift is degenerate");
  }
  const ObjectiveWithGradient css = [&](absl::Span<const double> z,
                                        double* grad) {
    return problem.CssWithGradient(z, grad);
  };
  ArimaFit fit;
  fit.order = o;
  fit.regressors = regressors;
  fit.n_used = n - o.differences();
  if (method == FitMethod::kCss) {
    OptimizerResult r = Bfgs(css, problem.Rescale(init));
    fit.coef = problem.Unscale(r.x);
    fit.evaluations = r.evaluations;
    fit.converged = r.converged;
    fit.message = r.message;
    fit.sigma2 = problem.CssAt(fit.coef, fit.phi, fit.theta, &fit.residuals);
    if (!(fit.sigma2 > 0) || !std::isfinite(r.value) || r.value >= kReject) {
      return absl::FailedPreconditionError(
          absl::StrCat("arima: ", o.ToString(), " CSS fit failed"));
    }
    const double value =
        2 * fit.n_used * r.value + fit.n_used + fit.n_used * std::log(2 * M_PI);
    fit.log_likelihood = -0.5 * value;
    if (variances) ComputeVariances(problem, method, fit);
    return fit;
  }
  if (method == FitMethod::kCssMl) {
    OptimizerResult r = Bfgs(css, problem.Rescale(init));
    fit.evaluations += r.evaluations;
    if (r.converged && r.value < kReject) init = problem.Unscale(r.x);
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
  // Maximum likelihood over the transformed parameters, from invertible MA
  // parts.
  ForArBlocks(o, init, ArToPacf);
  MakeInvertible(o, init);
  const auto ml = [&](absl::Span<const double> z) { return problem.Ml(z); };
  OptimizerResult r = Bfgs(ml, problem.Rescale(init));
  fit.evaluations += r.evaluations;
  fit.converged = r.converged;
  fit.message = r.message;
  if (!std::isfinite(r.value) || r.value >= kReject) {
    return absl::FailedPreconditionError(absl::StrCat(
        "arima: ", o.ToString(), " found no stationary maximum likelihood"));
  }
  std::vector<double> coef = problem.Unscale(r.x);
  MakeInvertible(o, coef);
  ForArBlocks(o, coef, PacfToAr);
  s = Finish(y, std::move(coef), fit);
  if (!s.ok()) return s;
  if (variances) ComputeVariances(problem, method, fit);
  return fit;
}

absl::Status AddVariances(absl::Span<const double> y, FitMethod method,
                          ArimaFit& fit) {
  Problem problem(y, fit.order, fit.regressors);
  std::vector<double> unused(fit.coef.size(), 0.0);
  if (!problem.RegressionStart(y, unused)) {
    return absl::FailedPreconditionError(
        "arima: the regression on the mean or drift is degenerate");
  }
  ComputeVariances(problem, method, fit);
  return absl::OkStatus();
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
  absl::Status s = Finish(y, std::move(coef), fit);
  if (!s.ok()) return s;
  return fit;
}

}  // namespace tsforecast::forecast::arima
