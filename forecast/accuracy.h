// Point and interval accuracy as defined by the M4 competition (Makridakis,
// Spiliotis and Assimakopoulos 2020) and Gneiting and Raftery (2007). Knows
// no model: inputs are actuals, forecasts and the training series.
#ifndef TSFORECAST_FORECAST_ACCURACY_H_
#define TSFORECAST_FORECAST_ACCURACY_H_

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace tsforecast::forecast {

// Mean absolute error.
double Mae(absl::Span<const double> actual, absl::Span<const double> forecast);
// Root mean squared error.
double Rmse(absl::Span<const double> actual, absl::Span<const double> forecast);
// M4 sMAPE in percent: mean of 200 |y - f| / (|y| + |f|); a term with both
// zero counts as 0.
double Smape(absl::Span<const double> actual,
             absl::Span<const double> forecast);

// In-sample mean absolute error of the seasonal naive forecast with period m
// (m = 1: naive): the MASE scale. FAILED_PRECONDITION when the training
// series has no more than m values or the scale is zero (constant series).
absl::StatusOr<double> MaseScale(absl::Span<const double> train, int m);
// Mean absolute scaled error given a scale from MaseScale.
double Mase(absl::Span<const double> actual, absl::Span<const double> forecast,
            double scale);

// M4 overall weighted average: mean of sMAPE and MASE each divided by
// Naive2's.
double Owa(double smape, double mase, double naive2_smape, double naive2_mase);

// Share of actuals inside [lower, upper], in [0, 1].
double Coverage(absl::Span<const double> actual, absl::Span<const double> lower,
                absl::Span<const double> upper);
// Mean scaled interval score at level (percent), scaled like MASE.
double Msis(absl::Span<const double> actual, absl::Span<const double> lower,
            absl::Span<const double> upper, double level, double scale);
// Mean pinball (quantile) loss of `quantile_forecast` at quantile tau.
double Pinball(absl::Span<const double> actual,
               absl::Span<const double> quantile_forecast, double tau);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_ACCURACY_H_
