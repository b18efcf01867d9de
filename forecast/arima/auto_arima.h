// forecast::auto.arima (8.20) order selection: seasonal differences by the
// seasonal-strength test, differences by KPSS on the seasonally differenced
// series, then Hyndman and Khandakar's stepwise search over (p, q, P, Q)
// and the constant by the information criterion (or every model within
// the order limits, stepwise = false). Long or highly seasonal series
// (n > 150 or m > 12) are searched with conditional-sum-of-squares fits and
// an offset that makes their criteria comparable, and the winner is refitted
// by maximum likelihood, as R's `approximation` does. A model whose AR or
// MA polynomial has a root within 1.01 of the unit circle is rejected.
//
// Where we differ from R: the search runs on one thread (R's parallel =
// FALSE default too); the seasonal-strength test uses our STL, whose loess
// is evaluated at every point where R's skips points (s.jump), so a series
// with a strength within about 0.01 of 0.64 may take the other D.
#ifndef TSFORECAST_FORECAST_ARIMA_AUTO_ARIMA_H_
#define TSFORECAST_FORECAST_ARIMA_AUTO_ARIMA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "forecast/arima/arima_fit.h"

namespace tsforecast::forecast::arima {

enum class InformationCriterion { kAicc, kAic, kBic };
enum class Approximation { kAuto, kOn, kOff };

// R's defaults.
struct AutoArimaOptions {
  int max_p = 5, max_q = 5, max_P = 2, max_Q = 2, max_order = 5;
  int max_d = 2, max_D = 1;
  int start_p = 2, start_q = 2, start_P = 1, start_Q = 1;
  bool stepwise = true;
  bool allow_drift = true, allow_mean = true;
  InformationCriterion ic = InformationCriterion::kAicc;
  Approximation approximation = Approximation::kAuto;
  int max_models = 94;  // R's nmodels
};

struct AutoArimaResult {
  ArimaFit fit;
  double sigma2 = 0;  // auto.arima's: sum(residuals^2) / (n* - k + 1)
  double ic = 0;
  int models_fitted = 0;
  std::string how;  // "stepwise search of 23 models by AICc", ...
};

// `m` is the season length (1: non-seasonal).
absl::StatusOr<AutoArimaResult> AutoArima(absl::Span<const double> y, int m,
                                          const AutoArimaOptions& options);

// Fits one candidate as auto.arima's myarima: regression on a drift when
// d + D = 1 and on the mean when d + D = 0 (if `constant`), the criterion
// (+infinity for rejected or failed fits) and the rescaled variance.
// The variance check (R's checkarima) runs only when the criterion is
// below `to_beat`: a fit that cannot win needs no Hessian.
struct Candidate {
  ArimaFit fit;
  double ic = INFINITY;
  double sigma2 = 0;
};
Candidate FitCandidate(absl::Span<const double> y, const ArimaOrder& order,
                       bool constant, InformationCriterion ic,
                       bool approximation, double offset, double to_beat);

}  // namespace tsforecast::forecast::arima

#endif  // TSFORECAST_FORECAST_ARIMA_AUTO_ARIMA_H_
