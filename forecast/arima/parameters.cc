#include "forecast/arima/parameters.h"

#include <algorithm>
#include <cmath>

#include "forecast/arima/polynomial.h"

namespace tsforecast::forecast::arima {

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

// Reflects the MA and seasonal MA parts of coef (R's layout) to
// invertibility (R's maInvert, applied before and after the ML search).
void MakeInvertible(const ArimaOrder& o, std::vector<double>& coef) {
  const auto invert = [&](size_t at, int len) {
    if (len == 0) return;
    const std::vector<double> ma =
        MaInvert(absl::MakeConstSpan(coef).subspan(at, len));
    std::copy(ma.begin(), ma.end(), coef.begin() + at);
  };
  invert(o.p, o.q);
  invert(o.p + o.q + o.P, o.Q);
}

}  // namespace tsforecast::forecast::arima
