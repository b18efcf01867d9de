// How many differences a series needs, as R's forecast::ndiffs and
// nsdiffs decide them for auto.arima (Hyndman and Khandakar 2008).
#ifndef TSFORECAST_FORECAST_ARIMA_DIFFERENCING_TESTS_H_
#define TSFORECAST_FORECAST_ARIMA_DIFFERENCING_TESTS_H_

#include <vector>

#include "absl/types/span.h"

namespace tsforecast::forecast::arima {

// The KPSS level-stationarity statistic (Kwiatkowski, Phillips, Schmidt
// and Shin 1992) with Bartlett weights over trunc(3 sqrt(n) / 13) lags,
// as urca::ur.kpss(type = "mu") computes it for ndiffs.
double KpssStatistic(absl::Span<const double> x);

// ndiffs(x, test = "kpss", alpha = 0.05): difference while the KPSS test
// rejects stationarity at 5 % (statistic above 0.463), up to max_d times.
int NumberOfDifferences(absl::Span<const double> x, int max_d = 2);

// The seasonal strength of Wang, Smith and Hyndman (2006) from an STL
// decomposition (s.window 11, as forecast's mstl): max(0, 1 - var(R) /
// var(S + R)).
double SeasonalStrength(absl::Span<const double> x, int m);

// nsdiffs(x, test = "seas"): one seasonal difference while the seasonal
// strength exceeds 0.64, up to max_D times.
int NumberOfSeasonalDifferences(absl::Span<const double> x, int m,
                                int max_D = 1);

// x_t - x_{t-lag} for t >= lag (R's diff(x, lag)); empty when x has no
// more than `lag` values.
std::vector<double> Difference(absl::Span<const double> x, int lag);

// R's is.constant: every value equal to the first (to 1.5e-8 relative).
bool IsConstant(absl::Span<const double> x);

}  // namespace tsforecast::forecast::arima

#endif  // TSFORECAST_FORECAST_ARIMA_DIFFERENCING_TESTS_H_
