#include "forecast/arima/state_space.h"

#include <algorithm>
#include <cmath>

namespace tsforecast::forecast::arima {
namespace {

// c = a * b for n x n row-major matrices.
void MatMul(const std::vector<double>& a, const std::vector<double>& b, int n,
            std::vector<double>& c) {
  c.assign(static_cast<size_t>(n) * n, 0.0);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < n; ++k) {
      const double aik = a[i * n + k];
      if (aik == 0) continue;
      const double* brow = &b[k * n];
      double* crow = &c[i * n];
      for (int j = 0; j < n; ++j) crow[j] += aik * brow[j];
    }
  }
}

void Transpose(const std::vector<double>& a, int n, std::vector<double>& t) {
  t.resize(a.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) t[j * n + i] = a[i * n + j];
  }
}

}  // namespace

absl::StatusOr<std::vector<double>> StationaryCovariance(
    absl::Span<const double> phi, absl::Span<const double> theta, int r) {
  const size_t nn = static_cast<size_t>(r) * r;
  // T: phi down the first column, ones on the superdiagonal.
  std::vector<double> a(nn, 0.0);
  for (int i = 0; i < r; ++i) {
    if (i < static_cast<int>(phi.size())) a[i * r] = phi[i];
    if (i + 1 < r) a[i * r + i + 1] = 1;
  }
  std::vector<double> rv(r, 0.0);
  rv[0] = 1;
  for (int i = 1; i < r && i - 1 < static_cast<int>(theta.size()); ++i) {
    rv[i] = theta[i - 1];
  }
  std::vector<double> q(nn);
  for (int i = 0; i < r; ++i) {
    for (int j = 0; j < r; ++j) q[i * r + j] = rv[i] * rv[j];
  }
  // Doubling: Q_{k+1} = Q_k + A_k Q_k A_k', A_{k+1} = A_k^2 sums the series
  // sum_j T^j V T'^j in 2^k terms.
  std::vector<double> aq, at, aqat, a2;
  for (int iter = 0; iter < 64; ++iter) {
    MatMul(a, q, r, aq);
    Transpose(a, r, at);
    MatMul(aq, at, r, aqat);
    double change = 0, size = 0;
    for (size_t i = 0; i < nn; ++i) {
      q[i] += aqat[i];
      change = std::max(change, std::fabs(aqat[i]));
      size = std::max(size, std::fabs(q[i]));
    }
    if (!std::isfinite(size) || size > 1e12) {
      return absl::FailedPreconditionError(
          "arima: the AR part is not stationary");
    }
    if (change <= 1e-13 * size) return q;
    MatMul(a, a, r, a2);
    a.swap(a2);
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
  return ss;
}

void StateSpace::ApplyT(const std::vector<double>& x,
                        std::vector<double>& out) const {
  const int rd = rd_, r = r_, p = static_cast<int>(phi_.size());
  const int d = static_cast<int>(delta_.size());
  out.assign(x.size(), 0.0);
  for (int i = 0; i < r; ++i) {
    double* o = &out[i * rd];
    if (i < p && phi_[i] != 0) {
      const double f = phi_[i];
      const double* x0 = &x[0];
      for (int j = 0; j < rd; ++j) o[j] += f * x0[j];
    }
    if (i + 1 < r) {
      const double* xn = &x[(i + 1) * rd];
      for (int j = 0; j < rd; ++j) o[j] += xn[j];
    }
  }
  if (d > 0) {
    double* o = &out[r * rd];
    for (int j = 0; j < rd; ++j) o[j] = x[j];
    for (int k = 0; k < d; ++k) {
      if (delta_[k] == 0) continue;
      const double* xk = &x[(r + k) * rd];
      for (int j = 0; j < rd; ++j) o[j] += delta_[k] * xk[j];
    }
    for (int i = 1; i < d; ++i) {
      std::copy_n(&x[(r + i - 1) * rd], rd, &out[(r + i) * rd]);
    }
  }
}

void StateSpace::Predict(std::vector<double>& p,
                         std::vector<double>& scratch) const {
  const int rd = rd_;
  ApplyT(p, scratch);  // T P
  // (T P)' = P T' since P is symmetric; T (P T') = T P T'.
  for (int i = 0; i < rd; ++i) {
    for (int j = i + 1; j < rd; ++j) {
      std::swap(scratch[i * rd + j], scratch[j * rd + i]);
    }
  }
  ApplyT(scratch, p);
  // + V = (1, theta)(1, theta)' on the ARMA block.
  const int q = static_cast<int>(theta_.size());
  for (int i = 0; i <= q; ++i) {
    const double vi = i == 0 ? 1 : theta_[i - 1];
    if (vi == 0) continue;
    for (int j = 0; j <= q; ++j) {
      const double vj = j == 0 ? 1 : theta_[j - 1];
      p[i * rd + j] += vi * vj;
    }
  }
}

StateSpace::Likelihood StateSpace::Filter(absl::Span<const double> y,
                                          std::vector<double>* residuals) {
  Likelihood out;
  const int rd = rd_, r = r_, d = static_cast<int>(delta_.size());
  std::vector<double> anew(rd), m(rd), scratch;
  std::vector<double> pnew = pn_;
  a_.assign(rd, 0.0);
  if (residuals) residuals->assign(y.size(), 0.0);
  for (size_t t = 0; t < y.size(); ++t) {
    // anew = T a
    for (int i = 0; i < r; ++i) {
      double v = i + 1 < r ? a_[i + 1] : 0;
      if (i < static_cast<int>(phi_.size())) v += phi_[i] * a_[0];
      anew[i] = v;
    }
    if (d > 0) {
      double v = a_[0];
      for (int k = 0; k < d; ++k) v += delta_[k] * a_[r + k];
      for (int i = rd - 1; i > r; --i) anew[i] = a_[i - 1];
      anew[r] = v;
    }
    if (t > 0) {
      pnew = p_;
      Predict(pnew, scratch);
    }
    // Z = e_0 + sum_k delta_k e_{r+k}; M = Pnew Z; gain = Z' M.
    double resid = y[t] - anew[0];
    for (int k = 0; k < d; ++k) resid -= delta_[k] * anew[r + k];
    for (int i = 0; i < rd; ++i) {
      double v = pnew[i * rd];
      for (int k = 0; k < d; ++k) v += delta_[k] * pnew[i * rd + r + k];
      m[i] = v;
    }
    double gain = m[0];
    for (int k = 0; k < d; ++k) gain += delta_[k] * m[r + k];
    if (!(gain > 0) || !std::isfinite(gain)) {
      out.used = 0;
      out.ssq = NAN;
      return out;
    }
    if (gain < 1e4) {
      ++out.used;
      out.ssq += resid * resid / gain;
      out.sumlog += std::log(gain);
    }
    if (residuals) (*residuals)[t] = resid / std::sqrt(gain);
    for (int i = 0; i < rd; ++i) a_[i] = anew[i] + m[i] * resid / gain;
    for (int i = 0; i < rd; ++i) {
      const double mi = m[i] / gain;
      for (int j = 0; j < rd; ++j) {
        p_[i * rd + j] = pnew[i * rd + j] - mi * m[j];
      }
    }
  }
  return out;
}

void StateSpace::Forecast(int horizon, std::vector<double>& mean,
                          std::vector<double>& variance) const {
  const int rd = rd_, r = r_, d = static_cast<int>(delta_.size());
  std::vector<double> a = a_, anew(rd), p = p_, scratch;
  mean.clear();
  variance.clear();
  for (int h = 0; h < horizon; ++h) {
    for (int i = 0; i < r; ++i) {
      double v = i + 1 < r ? a[i + 1] : 0;
      if (i < static_cast<int>(phi_.size())) v += phi_[i] * a[0];
      anew[i] = v;
    }
    if (d > 0) {
      double v = a[0];
      for (int k = 0; k < d; ++k) v += delta_[k] * a[r + k];
      for (int i = rd - 1; i > r; --i) anew[i] = a[i - 1];
      anew[r] = v;
    }
    a = anew;
    Predict(p, scratch);
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

}  // namespace tsforecast::forecast::arima
