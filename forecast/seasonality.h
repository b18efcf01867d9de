// Season lengths, the M4 seasonality test and classical decomposition.
//
// The test is M4's (Makridakis et al. 2020, after Assimakopoulos and
// Nikolopoulos 2000): a series is seasonal with period m when its lag-m
// autocorrelation exceeds the 90% limit 1.645 * sqrt((1 + 2 sum_{k<m}
// acf_k^2) / n). Decomposition mirrors R's decompose(type =
// "multiplicative"): centred moving average trend, seasonal indices averaged
// per position and normalised to mean 1.
#ifndef TSFORECAST_FORECAST_SEASONALITY_H_
#define TSFORECAST_FORECAST_SEASONALITY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/calendar_step.h"

namespace tsforecast::forecast {

// Default season lengths in steps, shortest first: hourly {24, 168}, daily
// {7, 365.25}, business days {5}, weekly {52.18}, monthly {12}, quarterly
// {4}, yearly {}; multiples of a unit divide accordingly (2-hourly:
// {12, 84}).
std::vector<double> DefaultSeasonLengths(const CalendarStep& step);

// The horizon a model validates and calibrates at on a series of `step`,
// whatever horizon a client asks for: the M4 competition's horizon for the
// frequency (yearly 6, quarterly 8, monthly 18, weekly 13, daily and
// business-day 14, hourly 48), and 60 steps finer than hourly. Steps that
// are multiples of a unit take the horizon of the nearest frequency by
// duration. Fitting at a horizon of its own is what makes a forecast's
// steps 1..a the same whichever horizon past a is asked for.
int ValidationHorizon(const CalendarStep& step);

// Autocorrelations at lags 1..max_lag (index 0 is lag 1).
std::vector<double> Autocorrelation(absl::Span<const double> values,
                                    int max_lag);

// M4's 90% test for seasonality at period m (rounded). False when the series
// is shorter than 3 m or m < 2.
bool IsSeasonal(absl::Span<const double> values, double m);

// Multiplicative seasonal indices of period m (length m, mean 1); index
// i % m applies to values[i]. FAILED_PRECONDITION when the series is shorter
// than two seasons or not strictly positive.
absl::StatusOr<std::vector<double>> MultiplicativeSeasonalIndices(
    absl::Span<const double> values, int m);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_SEASONALITY_H_
