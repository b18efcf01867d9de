// ETS's -2 log-likelihood with its exact gradient over the search vector
// (SearchLayout), by forward-mode differentiation of the recursions: every
// state carries its derivatives with respect to the P searched parameters
// along the series. One evaluation costs about P + 1 runs of the plain
// recursion; a quasi-Newton search then needs about 50 of them for a
// seasonal form where Nelder-Mead needs about 1,700 plain runs (R's limit
// is 2,000), which is where ets spent its time. Internal to forecast/ets/.
#ifndef TSFORECAST_FORECAST_ETS_ETS_GRADIENT_H_
#define TSFORECAST_FORECAST_ETS_ETS_GRADIENT_H_

#include <vector>

#include "absl/types/span.h"
#include "forecast/ets/ets_recursions.h"

namespace tsforecast::forecast::ets_internal {

// Reused between evaluations so that one allocates nothing.
struct GradientScratch {
  EtsParameters p;
  std::vector<double> season, dl, db, ds, dq, dphib, dmu, dr, dsse, dlog;
};

// -2 log L at x (R's ets objective, as LogLikelihood, less the constant
// 2 n log(layout.scale) that makes it the same for y and 1000 y), and when
// `gradient`
// is not null its derivatives there. A point the value-only search would
// reject (outside the admissible region, a non-positive forecast where the
// model needs positive ones) gives 1e100 and a zero gradient.
double ObjectiveAndGradient(const SearchLayout& layout,
                            const EtsParameters& base,
                            absl::Span<const double> y,
                            absl::Span<const double> x, double* gradient,
                            GradientScratch& scratch);

}  // namespace tsforecast::forecast::ets_internal

#endif  // TSFORECAST_FORECAST_ETS_ETS_GRADIENT_H_
