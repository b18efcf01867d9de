// Fitting one seasonal ARIMA(p,d,q)(P,D,Q)m with optional regression on an
// intercept or a drift, as R's stats::arima does (Ripley, "Time Series in R
// 1.5.0", R News 2(2), 2002): conditional sum of squares for a start, then
// exact maximum likelihood through the Kalman filter (state_space.h), with
// the AR parts kept stationary by Jones' (1980) PACF reparametrisation and
// the MA parts made invertible by reflecting roots (R's transform.pars and
// maInvert). Both stages minimise with BFGS over R's parameter scaling (10
// standard errors of the initial regression for its coefficients).
//
// Where we differ from R: NLopt's limited-memory BFGS stands in for
// optim's BFGS (same relative tolerance, 1.5e-8); the CSS stage uses the
// exact gradient of the sum of squares (R: central differences; the ML
// stage here uses them too, with R's step 1e-3); the likelihood searched
// is that of the differenced series with the ARMA states alone (the limit
// of R's diffuse prior; R's kappa = 1e6 moves it by about 1e-6), and R's
// full filter gives the final likelihood, residuals and forecasting state.
#ifndef TSFORECAST_FORECAST_ARIMA_ARIMA_FIT_H_
#define TSFORECAST_FORECAST_ARIMA_ARIMA_FIT_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "forecast/arima/state_space.h"

namespace tsforecast::forecast::arima {

struct ArimaOrder {
  int p = 0, d = 0, q = 0;
  int P = 0, D = 0, Q = 0;
  int m = 1;  // season length; 1 when non-seasonal
  int arma() const { return p + q + P + Q; }
  int differences() const { return d + D * m; }
  // "ARIMA(2,1,1)(0,1,1)[12]" as R prints it.
  std::string ToString() const;
  bool operator==(const ArimaOrder&) const = default;
};

enum class Regressor { kIntercept, kDrift };

enum class FitMethod {
  kCssMl,  // R's default: CSS start, then ML
  kMl,
  kCss,  // conditional sum of squares only (auto.arima's approximation)
};

struct ArimaFit {
  ArimaOrder order;
  std::vector<Regressor> regressors;
  // ar(p), ma(q), sar(P), sma(Q), then one per regressor: R's coef order.
  std::vector<double> coef;
  double sigma2 = 0;  // R's arima: ML ssq / n_used, or the CSS mean square
  double log_likelihood = 0;
  int n_used = 0;  // observations less the differencing length
  std::vector<double> residuals;
  bool converged = true;
  int evaluations = 0;
  std::string message;
  // Standard errors of coef (R's sqrt(diag(var.coef))) from the numerical
  // Hessian; NaN where the variance came out negative.
  std::vector<double> standard_errors;
  // R's checkarima: the Hessian was invertible and every variance >= 0.
  bool variance_ok = true;
  // The filtered state at the last observation (ML fits), for forecasting.
  std::optional<StateSpace> state;
  // The full AR and MA polynomials (seasonally expanded).
  std::vector<double> phi, theta;
};

// INVALID_ARGUMENT for orders that do not fit together; FAILED_PRECONDITION
// (with the length needed) for a series too short, or when the CSS start
// is non-stationary (R's "non-stationary AR part from CSS").
// `variances`: also compute standard_errors and variance_ok (a numerical
// Hessian: about 4 k^2 more likelihood evaluations for k coefficients).
absl::StatusOr<ArimaFit> FitArima(absl::Span<const double> y,
                                  const ArimaOrder& order,
                                  const std::vector<Regressor>& regressors,
                                  FitMethod method, bool variances = true);

// Computes standard_errors and variance_ok of a fit made with `method`
// and variances = false (auto.arima needs them only for contenders).
absl::Status AddVariances(absl::Span<const double> y, FitMethod method,
                          ArimaFit& fit);

// Runs the filter with given coefficients (R's layout) and no estimation:
// for deterministic series, where every difference is the same.
absl::StatusOr<ArimaFit> FixedArima(absl::Span<const double> y,
                                    const ArimaOrder& order,
                                    const std::vector<Regressor>& regressors,
                                    std::vector<double> coef);

// The innovation variance forecast::Arima and auto.arima report and use for
// intervals: sum(residuals^2) / (n* - k + 1), with n* the observations
// less the differencing length and k the coefficients plus one.
double ForecastVariance(const ArimaFit& fit);

// The regressor's value at time t (0-based): 1, or t + 1 for the drift
// (R's drift = 1:n).
double RegressorValue(Regressor r, size_t t);

// The polynomial (1 - B)^d (1 - B^m)^D as R's Delta: the coefficients
// delta_1.. with y_t = sum delta_i y_{t-i} + (stationary part).
std::vector<double> DifferencingPolynomial(const ArimaOrder& order);

}  // namespace tsforecast::forecast::arima

#endif  // TSFORECAST_FORECAST_ARIMA_ARIMA_FIT_H_
