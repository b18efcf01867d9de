// A fitted ETS model: mean paths by the recursions, analytic intervals for
// the linear class (additive error, trend and season) and seeded simulated
// ones otherwise. Internal to forecast/ets/.
#ifndef TSFORECAST_FORECAST_ETS_ETS_FITTED_H_
#define TSFORECAST_FORECAST_ETS_ETS_FITTED_H_

#include <memory>

#include "forecast/ets/ets_recursions.h"

namespace tsforecast::forecast::ets_internal {

std::unique_ptr<FittedModel> MakeFittedEts(EtsSpec spec, EtsParameters p,
                                           EtsState final, size_t n,
                                           FitSummary summary);

}  // namespace tsforecast::forecast::ets_internal

#endif  // TSFORECAST_FORECAST_ETS_ETS_FITTED_H_
