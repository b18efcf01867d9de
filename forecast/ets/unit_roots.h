// Whether every root of a real polynomial lies in the closed unit disk, by
// the Schur-Cohn recursion (Schur 1917; Cohn 1922): p of degree n has all
// roots strictly inside iff |a_n| > |a_0| and the degree n-1 polynomial
// (a_n a_{i+1} - a_0 a_{n-i-1})_i does. A tolerance admits roots on the
// circle, as R's admissible() does (max |root| <= 1 + 1e-10); roots at
// exactly z = 1 are divided out first.
#ifndef TSFORECAST_FORECAST_ETS_UNIT_ROOTS_H_
#define TSFORECAST_FORECAST_ETS_UNIT_ROOTS_H_

#include "absl/types/span.h"

namespace tsforecast::forecast {

// `coefficients[i]` multiplies z^i; the last must be non-zero.
bool RootsInUnitDisk(absl::Span<const double> coefficients);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_ETS_UNIT_ROOTS_H_
