#include "forecast/arima/state_space.h"

#include <algorithm>
#include <cmath>

#include "Eigen/Dense"

namespace tsforecast::forecast::arima {
namespace {

// T: phi down the first column, ones on the superdiagonal (r x r).
Eigen::MatrixXd Transition(absl::Span<const double> phi, int r) {
  Eigen::MatrixXd t = Eigen::MatrixXd::Zero(r, r);
  for (int i = 0; i < r; ++i) {
    if (i < static_cast<int>(phi.size())) t(i, 0) = phi[i];
    if (i + 1 < r) t(i, i + 1) = 1;
  }
  return t;
}

// R = (1, theta_1, ..., theta_{r-1}), the innovation's loading.
Eigen::VectorXd Loading(absl::Span<const double> theta, int r) {
  Eigen::VectorXd rv = Eigen::VectorXd::Zero(r);
  rv(0) = 1;
  for (int i = 1; i < r && i - 1 < static_cast<int>(theta.size()); ++i) {
    rv(i) = theta[i - 1];
  }
  return rv;
}

// Up to this many states the Lyapunov equation is solved directly.
constexpr int kDirectSolveStates = 4;

// Q = sum_j g_j g_j' with g_j = T^j R, the state's MA(infinity) weights,
// until the weights vanish (below 1e-9 of the largest standard deviation):
// O(r^2) a term, exact in r terms for pure MA models. Empty when they do
// not vanish within `max_terms` (near a unit root: doubling does better).
std::vector<double> SumOfWeights(absl::Span<const double> phi,
                                 absl::Span<const double> theta, int r,
                                 int max_terms) {
  const int p = static_cast<int>(phi.size());
  std::vector<double> g(r, 0.0), next(r);
  g[0] = 1;
  for (int i = 1; i < r && i - 1 < static_cast<int>(theta.size()); ++i) {
    g[i] = theta[i - 1];
  }
  std::vector<double> q(static_cast<size_t>(r) * r, 0.0);
  for (int term = 0; term < max_terms; ++term) {
    double largest = 0;
    for (int i = 0; i < r; ++i) {
      const double gi = g[i];
      largest = std::max(largest, std::fabs(gi));
      if (gi == 0) continue;
      for (int j = i; j < r; ++j) q[i * r + j] += gi * g[j];
    }
    double variance = 0;
    for (int i = 0; i < r; ++i) variance = std::max(variance, q[i * r + i]);
    if (!std::isfinite(variance) || variance > 1e12) return {};
    if (largest <= 1e-9 * std::sqrt(variance)) {
      for (int i = 0; i < r; ++i) {
        for (int j = 0; j < i; ++j) q[i * r + j] = q[j * r + i];
      }
      return q;
    }
    for (int i = 0; i < r; ++i) {
      next[i] = (i < p ? phi[i] * g[0] : 0) + (i + 1 < r ? g[i + 1] : 0);
    }
    g.swap(next);
  }
  return {};
}

// (I - T (x) T) vec(P) = vec(R R'), solved directly: constant time for a
// few states, however close the AR part is to a unit root.
absl::StatusOr<std::vector<double>> SolveLyapunov(
    absl::Span<const double> phi, absl::Span<const double> theta, int r) {
  const Eigen::MatrixXd t = Transition(phi, r);
  const Eigen::VectorXd rv = Loading(theta, r);
  const int n = r * r;
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd v(n);
  for (int i = 0; i < r; ++i) {
    for (int j = 0; j < r; ++j) {
      v(i * r + j) = rv(i) * rv(j);
      for (int k = 0; k < r; ++k) {
        for (int l = 0; l < r; ++l)
          a(i * r + j, k * r + l) -= t(i, k) * t(j, l);
      }
    }
  }
  Eigen::PartialPivLU<Eigen::MatrixXd> lu(a);
  const Eigen::VectorXd x = lu.solve(v);
  std::vector<double> out(x.data(), x.data() + n);
  for (int i = 0; i < r; ++i) {
    // A stationary covariance has a non-negative, bounded diagonal; a
    // non-stationary AR part gives neither.
    const double var = out[i * r + i];
    if (!(var >= -1e-12) || !std::isfinite(var) || var > 1e12) {
      return absl::FailedPreconditionError(
          "arima: the AR part is not stationary");
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<double>> StationaryCovarianceColumn(
    absl::Span<const double> phi, absl::Span<const double> theta, int r) {
  // Column 0 is Cov(a_t, y_t). With a_t[i] = sum_{j=i}^{r-1} (phi_{j+1}
  // y_{t-1-(j-i)} + theta_j e_{t-(j-i)}) (theta_0 = 1), it is
  //   sum_{j=i}^{r-1} phi_{j+1} gamma(1 + j - i) + theta_j psi_{j-i},
  // from the ARMA autocovariances gamma (unit innovation variance) and the
  // MA(infinity) weights psi: exact, O(p^3) for the (p + 1) equations that
  // give gamma(0..p), however close to a unit root.
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  const auto th = [&](int j) {
    return j == 0 ? 1.0 : (j <= q ? theta[j - 1] : 0);
  };
  const auto ph = [&](int j) { return j >= 1 && j <= p ? phi[j - 1] : 0.0; };
  // Scratch kept per thread: the searches call this thousands of times.
  thread_local std::vector<double> psi, gamma;
  thread_local Eigen::MatrixXd a;
  thread_local Eigen::VectorXd b;
  thread_local Eigen::PartialPivLU<Eigen::MatrixXd> lu;
  psi.assign(std::max(q, r) + 1, 0.0);
  for (size_t k = 0; k < psi.size(); ++k) {
    double v = th(static_cast<int>(k));
    for (int j = 1; j <= std::min<int>(k, p); ++j) v += ph(j) * psi[k - j];
    psi[k] = v;
  }
  // gamma(k) - sum_j phi_j gamma(|k - j|) = sum_{j=k}^{q} theta_j psi_{j-k}.
  const auto rhs = [&](int k) {
    double v = 0;
    for (int j = k; j <= q; ++j) v += th(j) * psi[j - k];
    return v;
  };
  gamma.assign(r + 1, 0.0);
  if (p == 0) {
    for (int k = 0; k <= r; ++k) gamma[k] = rhs(k);
  } else {
    a.setIdentity(p + 1, p + 1);
    b.resize(p + 1);
    for (int k = 0; k <= p; ++k) {
      for (int j = 1; j <= p; ++j) a(k, std::abs(k - j)) -= ph(j);
      b(k) = rhs(k);
    }
    lu.compute(a);
    const Eigen::VectorXd g = lu.solve(b);
    if (!g.allFinite() || !(g(0) > 0) || g(0) > 1e12 ||
        !((a * g - b).cwiseAbs().maxCoeff() <=
          1e-8 * (1 + g.cwiseAbs().maxCoeff()))) {
      return absl::FailedPreconditionError(
          "arima: the AR part is not stationary");
    }
    for (int k = 0; k <= std::min(p, r); ++k) gamma[k] = g(k);
    for (int k = p + 1; k <= r; ++k) {
      double v = rhs(k);
      for (int j = 1; j <= p; ++j) v += ph(j) * gamma[k - j];
      gamma[k] = v;
    }
  }
  std::vector<double> col(r, 0.0);
  for (int i = 0; i < r; ++i) {
    double v = 0;
    for (int j = i; j < r; ++j)
      v += ph(j + 1) * gamma[1 + j - i] + th(j) * psi[j - i];
    col[i] = v;
  }
  return col;
}

absl::StatusOr<std::vector<double>> StationaryCovariance(
    absl::Span<const double> phi, absl::Span<const double> theta, int r) {
  if (r <= kDirectSolveStates) return SolveLyapunov(phi, theta, r);
  std::vector<double> quick = SumOfWeights(phi, theta, r, 1000);
  if (!quick.empty()) return quick;
  Eigen::MatrixXd a = Transition(phi, r);
  const Eigen::VectorXd rv = Loading(theta, r);
  Eigen::MatrixXd q = rv * rv.transpose();
  // Doubling: Q_{k+1} = Q_k + A_k Q_k A_k', A_{k+1} = A_k^2 sums the series
  // sum_j T^j V T'^j in 2^k terms.
  Eigen::MatrixXd term(r, r);
  for (int iter = 0; iter < 64; ++iter) {
    term.noalias() = a * q * a.transpose();
    q += term;
    const double size = q.cwiseAbs().maxCoeff();
    if (!std::isfinite(size) || size > 1e12) {
      return absl::FailedPreconditionError(
          "arima: the AR part is not stationary");
    }
    if (term.cwiseAbs().maxCoeff() <= 1e-13 * size) {
      std::vector<double> out(static_cast<size_t>(r) * r);
      for (int i = 0; i < r; ++i) {
        for (int j = 0; j < r; ++j) out[i * r + j] = q(i, j);
      }
      return out;
    }
    a = (a * a).eval();
  }
  return absl::FailedPreconditionError(
      "arima: the AR part is too close to a unit root");
}

absl::StatusOr<StateSpace> StateSpace::Make(std::vector<double> phi,
                                            std::vector<double> theta,
                                            std::vector<double> delta) {
  StateSpace ss;
  const int p = static_cast<int>(phi.size());
  const int q = static_cast<int>(theta.size());
  const int d = static_cast<int>(delta.size());
  ss.r_ = std::max(p, q + 1);
  ss.rd_ = ss.r_ + d;
  theta.resize(ss.r_ - 1, 0.0);
  ss.phi_ = std::move(phi);
  ss.theta_ = std::move(theta);
  ss.delta_ = std::move(delta);
  ss.a_.assign(ss.rd_, 0.0);
  const int rd = ss.rd_, r = ss.r_;
  ss.pn_.assign(static_cast<size_t>(rd) * rd, 0.0);
  if (r > 1) {
    absl::StatusOr<std::vector<double>> q0 =
        StationaryCovariance(ss.phi_, ss.theta_, r);
    if (!q0.ok()) return q0.status();
    for (int i = 0; i < r; ++i) {
      for (int j = 0; j < r; ++j) ss.pn_[i * rd + j] = (*q0)[i * r + j];
    }
  } else {
    const double phi1 = p > 0 ? ss.phi_[0] : 0;
    if (std::fabs(phi1) >= 1) {
      return absl::FailedPreconditionError(
          "arima: the AR part is not stationary");
    }
    ss.pn_[0] = 1 / (1 - phi1 * phi1);
  }
  for (int i = r; i < rd; ++i) ss.pn_[i * rd + i] = kDiffusePrior;
  ss.p_ = ss.pn_;
  ss.rows_.resize(rd);
  for (int i = 0; i < r; ++i) {
    if (i < p && ss.phi_[i] != 0) ss.rows_[i].push_back({0, ss.phi_[i]});
    if (i + 1 < r) ss.rows_[i].push_back({i + 1, 1.0});
  }
  if (d > 0) {
    ss.rows_[r].push_back({0, 1.0});
    for (int k = 0; k < d; ++k) {
      if (ss.delta_[k] != 0) ss.rows_[r].push_back({r + k, ss.delta_[k]});
    }
    for (int i = 1; i < d; ++i) ss.rows_[r + i].push_back({r + i - 1, 1.0});
  }
  return ss;
}

void StateSpace::StepMean(const std::vector<double>& a,
                          std::vector<double>& anew) const {
  for (int i = 0; i < rd_; ++i) {
    double v = 0;
    for (const Term& t : rows_[i]) v += t.coefficient * a[t.column];
    anew[i] = v;
  }
}

void StateSpace::Predict(const std::vector<double>& p, std::vector<double>& tp,
                         std::vector<double>& out) const {
  const int rd = rd_;
  out.resize(p.size());
  if (delta_.empty()) {
    // Pure ARMA (R's d == 0 branch): T P T' + V in one pass, R's closed
    // form, the upper triangle mirrored.
    const int r = r_, np = static_cast<int>(phi_.size());
    const int q = static_cast<int>(theta_.size());
    const double p00 = p[0];
    for (int i = 0; i < r; ++i) {
      const double phi_i = i < np ? phi_[i] : 0;
      const double vi = i == 0 ? 1 : theta_[i - 1];
      const double* prow = i + 1 < r ? &p[(i + 1) * r] : nullptr;
      for (int j = i; j < r; ++j) {
        const double phi_j = j < np ? phi_[j] : 0;
        double v = (j == 0 ? 1 : (j - 1 < q ? theta_[j - 1] : 0)) * vi;
        v += phi_i * phi_j * p00;
        if (prow && j + 1 < r) v += prow[j + 1];
        if (j + 1 < r) v += phi_i * p[j + 1];
        if (prow) v += phi_j * prow[0];
        out[i * r + j] = out[j * r + i] = v;
      }
    }
    return;
  }
  tp.resize(p.size());
  // tp = T p, row by row.
  for (int i = 0; i < rd; ++i) {
    double* o = &tp[i * rd];
    const std::vector<Term>& row = rows_[i];
    if (row.empty()) {
      std::fill_n(o, rd, 0.0);
      continue;
    }
    const double* first = &p[row[0].column * rd];
    const double c0 = row[0].coefficient;
    for (int j = 0; j < rd; ++j) o[j] = c0 * first[j];
    for (size_t k = 1; k < row.size(); ++k) {
      const double* x = &p[row[k].column * rd];
      const double c = row[k].coefficient;
      for (int j = 0; j < rd; ++j) o[j] += c * x[j];
    }
  }
  // out = tp T' (symmetric: the upper triangle, mirrored).
  for (int j = 0; j < rd; ++j) {
    const std::vector<Term>& row = rows_[j];
    for (int i = 0; i <= j; ++i) {
      const double* x = &tp[i * rd];
      double v = 0;
      for (const Term& t : row) v += t.coefficient * x[t.column];
      out[i * rd + j] = out[j * rd + i] = v;
    }
  }
  // + V = (1, theta)(1, theta)' on the ARMA block.
  const int q = static_cast<int>(theta_.size());
  for (int i = 0; i <= q; ++i) {
    const double vi = i == 0 ? 1 : theta_[i - 1];
    if (vi == 0) continue;
    for (int j = 0; j <= q; ++j) {
      const double vj = j == 0 ? 1 : theta_[j - 1];
      out[i * rd + j] += vi * vj;
    }
  }
}

StateSpace::Likelihood StateSpace::Filter(absl::Span<const double> y,
                                          std::vector<double>* residuals) {
  Likelihood out;
  const int rd = rd_, r = r_, d = static_cast<int>(delta_.size());
  std::vector<double> anew(rd), m(rd), tp, pnew = pn_, prev;
  a_.assign(rd, 0.0);
  if (residuals) residuals->assign(y.size(), 0.0);
  bool steady = false;
  double gain = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    StepMean(a_, anew);
    if (t > 0 && !steady) {
      prev.swap(pnew);
      Predict(p_, tp, pnew);
      double change = 0, size = 0;
      for (size_t i = 0; i < pnew.size(); ++i) {
        change = std::max(change, std::fabs(pnew[i] - prev[i]));
        size = std::max(size, std::fabs(pnew[i]));
      }
      steady = change <= 1e-11 * size;
    }
    // Z = e_0 + sum_k delta_k e_{r+k}; M = Pnew Z; gain = Z' M.
    double resid = y[t] - anew[0];
    for (int k = 0; k < d; ++k) resid -= delta_[k] * anew[r + k];
    if (!steady || gain == 0) {
      for (int i = 0; i < rd; ++i) {
        const double* row = &pnew[i * rd];
        double v = row[0];
        for (int k = 0; k < d; ++k) v += delta_[k] * row[r + k];
        m[i] = v;
      }
      gain = m[0];
      for (int k = 0; k < d; ++k) gain += delta_[k] * m[r + k];
      if (!(gain > 0) || !std::isfinite(gain)) {
        out.used = 0;
        out.ssq = NAN;
        return out;
      }
    }
    if (gain < 1e4) {
      ++out.used;
      out.ssq += resid * resid / gain;
      out.sumlog += std::log(gain);
    }
    if (residuals) (*residuals)[t] = resid / std::sqrt(gain);
    for (int i = 0; i < rd; ++i) a_[i] = anew[i] + m[i] * resid / gain;
    if (!steady) {
      for (int i = 0; i < rd; ++i) {
        const double mi = m[i] / gain;
        for (int j = i; j < rd; ++j) {
          p_[i * rd + j] = p_[j * rd + i] = pnew[i * rd + j] - mi * m[j];
        }
      }
    }
  }
  return out;
}

void StateSpace::Forecast(int horizon, std::vector<double>& mean,
                          std::vector<double>& variance) const {
  const int rd = rd_, r = r_, d = static_cast<int>(delta_.size());
  std::vector<double> a = a_, anew(rd), p = p_, tp, pnext;
  mean.clear();
  variance.clear();
  for (int h = 0; h < horizon; ++h) {
    StepMean(a, anew);
    a.swap(anew);
    Predict(p, tp, pnext);
    p.swap(pnext);
    double fc = a[0];
    for (int k = 0; k < d; ++k) fc += delta_[k] * a[r + k];
    // Z' P Z
    double var = p[0];
    for (int k = 0; k < d; ++k) {
      var += 2 * delta_[k] * p[r + k];
      for (int l = 0; l < d; ++l) {
        var += delta_[k] * delta_[l] * p[(r + k) * rd + r + l];
      }
    }
    mean.push_back(fc);
    variance.push_back(var);
  }
}

absl::StatusOr<StateSpace::Likelihood> StationaryArmaLikelihood(
    absl::Span<const double> phi, absl::Span<const double> theta,
    absl::Span<const double> y) {
  // Predicted-state form: a_{t+1} = T a_t + K_t v_t, K_t = G_t / F_t with
  // G_t = T P_t Z', F_t = Z P_t Z' (Z = e_0). From the stationary start
  // P_1 = Q0, P_{t+1} - P_t = W_t M_t W_t' has rank one, and
  //   F_{t+1} = F_t + M_t s^2,          s = Z W_t = W_t[0]
  //   G_{t+1} = G_t + M_t s T W_t
  //   W_{t+1} = T W_t - K_{t+1} s
  //   M_{t+1} = M_t + M_t^2 s^2 / F_t
  // with W_1 = G_1 = T Q0 Z', M_1 = -1 / F_1 (Morf, Sidhu and Kailath,
  // IEEE TAC 19(4), 1974): O(r) a step, and only Q0's first column.
  StateSpace::Likelihood out;
  const int p = static_cast<int>(phi.size());
  const int r = std::max(p, static_cast<int>(theta.size()) + 1);
  absl::StatusOr<std::vector<double>> q0col =
      StationaryCovarianceColumn(phi, theta, r);
  if (!q0col.ok()) return q0col.status();
  // T x = (x_1 + phi_0 x_0, x_2 + phi_1 x_0, ..., phi_{r-1} x_0): a shift
  // and an axpy, done in place.
  const auto apply_t = [&](std::vector<double>& x) {
    const double x0 = x[0];
    for (int i = 0; i + 1 < r; ++i) x[i] = x[i + 1];
    x[r - 1] = 0;
    for (int i = 0; i < p; ++i) x[i] += phi[i] * x0;
  };
  thread_local std::vector<double> a, g, w;
  a.assign(r, 0.0);
  g = *q0col;
  apply_t(g);
  w = g;
  double f = (*q0col)[0];
  double m = -1 / f;
  double product = 1;
  int in_product = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    if (!(f > 0) || !std::isfinite(f)) {
      return absl::FailedPreconditionError(
          "arima: the prediction variance vanished");
    }
    const double v = y[t] - a[0];
    if (f < 1e4) {
      ++out.used;
      out.ssq += v * v / f;
      // sum log f as the log of products of 16 (f is in [1, 1e12] here):
      // one log call in 16, the hot spot otherwise.
      product *= f;
      if (++in_product == 16) {
        out.sumlog += std::log(product);
        product = 1;
        in_product = 0;
      }
    }
    // a <- T a + g v / f
    apply_t(a);
    const double kv = v / f;
    for (int i = 0; i < r; ++i) a[i] += g[i] * kv;
    // w <- T w; then the rank-one update of F, G, W and M.
    const double s = w[0];
    apply_t(w);
    const double f_next = f + m * s * s;
    const double ms = m * s, s_f = s / f_next;
    for (int i = 0; i < r; ++i) {
      g[i] += ms * w[i];
      w[i] -= g[i] * s_f;
    }
    m += m * m * s * s / f;
    f = f_next;
  }
  out.sumlog += std::log(product);
  return out;
}

}  // namespace tsforecast::forecast::arima
