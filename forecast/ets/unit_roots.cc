#include "forecast/ets/unit_roots.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tsforecast::forecast {

namespace {

// Divides out roots at z = 1, which the ETS characteristic polynomial has
// whenever the model has no trend, and which would make the recursion
// below ill-conditioned.
using Coefficients = std::vector<double>;

void DeflateUnitRoots(Coefficients& a, Coefficients& q) {
  while (a.size() > 1) {
    double value = 0, scale = 0;
    for (double c : a) {
      value += c;
      scale += std::fabs(c);
    }
    if (std::fabs(value) > 1e-12 * scale) return;
    // Synthetic division by (z - 1), highest coefficient first.
    const size_t n = a.size() - 1;
    q.resize(n);
    double carry = 0;
    for (size_t i = n; i >= 1; --i) {
      carry = a[i] + carry;
      q[i - 1] = carry;
    }
    a.swap(q);
  }
}

}  // namespace

bool RootsInUnitDisk(absl::Span<const double> coefficients) {
  // Relative slack for roots on (or within rounding of) the unit circle.
  constexpr double kSlack = 1e-9;
  // Reused per thread: the optimiser checks thousands of polynomials a fit.
  thread_local Coefficients a, next;
  a.assign(coefficients.begin(), coefficients.end());
  DeflateUnitRoots(a, next);
  while (a.size() > 1) {
    const size_t n = a.size() - 1;
    const double lead = a[n], constant = a[0];
    const double scale = std::fabs(lead) + std::fabs(constant);
    if (scale == 0) return false;
    if (std::fabs(lead) - std::fabs(constant) < -kSlack * scale) return false;
    if (std::fabs(std::fabs(lead) - std::fabs(constant)) <= kSlack * scale) {
      // |a_n| == |a_0|: a root on the circle; the recursion degenerates.
      // Such boundary points are admitted, as within R's tolerance.
      return true;
    }
    next.resize(n);
    double largest = 0;
    for (size_t i = 0; i < n; ++i) {
      next[i] = lead * a[i + 1] - constant * a[n - i - 1];
      largest = std::max(largest, std::fabs(next[i]));
    }
    if (largest == 0) return false;
    // Rescale: the products shrink geometrically and would underflow.
    for (double& v : next) v /= largest;
    a.swap(next);
  }
  return true;
}

}  // namespace tsforecast::forecast
