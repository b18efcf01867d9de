#include "forecast/arima/polynomial.h"

#include <cmath>
#include <limits>

#include "Eigen/Dense"

namespace tsforecast::forecast::arima {
namespace {

// Index of the last non-zero coefficient (0 for a constant).
int Degree(absl::Span<const double> c) {
  int d = static_cast<int>(c.size()) - 1;
  while (d > 0 && c[d] == 0) --d;
  return d;
}

double MinModulus(const std::vector<double>& poly) {
  double out = std::numeric_limits<double>::infinity();
  for (const std::complex<double>& r : PolynomialRoots(poly)) {
    out = std::min(out, std::abs(r));
  }
  return out;
}

}  // namespace

std::vector<std::complex<double>> PolynomialRoots(absl::Span<const double> c) {
  const int n = Degree(c);
  if (n <= 0) return {};
  Eigen::MatrixXd companion = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) companion(0, i) = -c[n - 1 - i] / c[n];
  for (int i = 1; i < n; ++i) companion(i, i - 1) = 1;
  Eigen::EigenSolver<Eigen::MatrixXd> solver(companion, false);
  std::vector<std::complex<double>> roots;
  for (int i = 0; i < n; ++i) roots.push_back(solver.eigenvalues()[i]);
  return roots;
}

double MinArRootModulus(absl::Span<const double> ar) {
  std::vector<double> poly = {1};
  for (double a : ar) poly.push_back(-a);
  return MinModulus(poly);
}

double MinMaRootModulus(absl::Span<const double> ma) {
  std::vector<double> poly = {1};
  poly.insert(poly.end(), ma.begin(), ma.end());
  return MinModulus(poly);
}

bool ArStationary(absl::Span<const double> ar) {
  return MinArRootModulus(ar) > 1;
}

std::vector<double> MaInvert(absl::Span<const double> ma) {
  std::vector<double> poly = {1};
  poly.insert(poly.end(), ma.begin(), ma.end());
  const int q0 = Degree(poly);
  std::vector<double> out(ma.begin(), ma.end());
  if (q0 == 0) return out;
  std::vector<std::complex<double>> roots = PolynomialRoots(poly);
  bool any_inside = false;
  for (const auto& r : roots) any_inside |= std::abs(r) < 1;
  if (!any_inside) return out;
  if (q0 == 1) {
    std::fill(out.begin(), out.end(), 0.0);
    out[0] = 1 / ma[0];
    return out;
  }
  for (auto& r : roots) {
    if (std::abs(r) < 1) r = 1.0 / r;
  }
  // prod (1 - z / r): x <- c(x, 0) - c(0, x) / r, as R builds it.
  std::vector<std::complex<double>> x = {1.0};
  for (const auto& r : roots) {
    std::vector<std::complex<double>> next(x.size() + 1, 0.0);
    for (size_t i = 0; i < x.size(); ++i) {
      next[i] += x[i];
      next[i + 1] -= x[i] / r;
    }
    x = std::move(next);
  }
  std::fill(out.begin(), out.end(), 0.0);
  for (int i = 1; i <= q0; ++i) out[i - 1] = x[i].real();
  return out;
}

std::vector<double> Multiply(absl::Span<const double> a,
                             absl::Span<const double> b) {
  if (a.empty() || b.empty()) return {};
  std::vector<double> out(a.size() + b.size() - 1, 0.0);
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t j = 0; j < b.size(); ++j) out[i + j] += a[i] * b[j];
  }
  return out;
}

}  // namespace tsforecast::forecast::arima
