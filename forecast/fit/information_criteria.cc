#include "forecast/fit/information_criteria.h"

#include <cmath>

namespace tsforecast::forecast {

void SetInformationCriteria(double log_likelihood, int parameters, size_t n,
                            FitSummary& summary) {
  const double k = parameters;
  const double nn = static_cast<double>(n);
  summary.has_likelihood = true;
  summary.log_likelihood = log_likelihood;
  summary.aic = -2 * log_likelihood + 2 * k;
  summary.aicc =
      nn > k + 1 ? summary.aic + 2 * k * (k + 1) / (nn - k - 1) : INFINITY;
  summary.bic = -2 * log_likelihood + k * std::log(nn);
}

}  // namespace tsforecast::forecast
