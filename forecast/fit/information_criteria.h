// AIC, AICc and BIC from a log-likelihood, one definition for every model
// that has a likelihood (R's conventions: `parameters` counts everything
// estimated, including the error variance where the model has one).
#ifndef TSFORECAST_FORECAST_FIT_INFORMATION_CRITERIA_H_
#define TSFORECAST_FORECAST_FIT_INFORMATION_CRITERIA_H_

#include <cstddef>

#include "forecast/forecast_types.h"

namespace tsforecast::forecast {

// Sets has_likelihood, log_likelihood, aic, aicc and bic of `summary`.
// AICc is infinite when n <= parameters + 1 (R gives NaN or Inf there; an
// infinite value keeps such a fit last in any ranking).
void SetInformationCriteria(double log_likelihood, int parameters, size_t n,
                            FitSummary& summary);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_FIT_INFORMATION_CRITERIA_H_
