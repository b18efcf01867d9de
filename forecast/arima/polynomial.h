// Polynomial roots for ARIMA's stationarity and invertibility checks, and
// the two operations R's arima builds on them. Coefficients are in
// increasing powers: c[0] + c[1] z + ... + c[n] z^n.
#ifndef TSFORECAST_FORECAST_ARIMA_POLYNOMIAL_H_
#define TSFORECAST_FORECAST_ARIMA_POLYNOMIAL_H_

#include <complex>
#include <vector>

#include "absl/types/span.h"

namespace tsforecast::forecast::arima {

// Roots by the eigenvalues of the companion matrix (what R's polyroot
// finds, to rounding). Trailing zero coefficients are dropped first.
std::vector<std::complex<double>> PolynomialRoots(absl::Span<const double> c);

// Smallest root modulus of 1 - ar[0] z - ar[1] z^2 - ... (AR form) or of
// 1 + ma[0] z + ... (MA form); +infinity for a constant polynomial.
double MinArRootModulus(absl::Span<const double> ar);
double MinMaRootModulus(absl::Span<const double> ma);

// R's arCheck: every root of the AR polynomial outside the unit circle.
bool ArStationary(absl::Span<const double> ar);

// R's maInvert: reflects the MA polynomial's roots inside the unit circle
// to their inverses, giving the invertible MA with the same
// autocovariances.
std::vector<double> MaInvert(absl::Span<const double> ma);

// Product of two polynomials.
std::vector<double> Multiply(absl::Span<const double> a,
                             absl::Span<const double> b);

}  // namespace tsforecast::forecast::arima

#endif  // TSFORECAST_FORECAST_ARIMA_POLYNOMIAL_H_
