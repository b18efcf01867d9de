// ARIMA in state-space form and its Kalman filter, as R's stats::arima
// builds and runs it (makeARIMA, ARIMA_Like, KalmanForecast): Harvey's
// representation of the ARMA part, r = max(p, q + 1) states, followed by
// the d states of the differencing polynomial with a diffuse prior (kappa
// times the identity). The exact Gaussian likelihood comes from the
// prediction errors (Gardner, Harvey and Phillips, Applied Statistics 29,
// 1980).
//
// Once the predicted covariance stops changing (relative change under
// 1e-11 between steps), the filter keeps that steady state and updates
// only the state mean: O(states) a step instead of O(states^2), the
// difference in the likelihood being below 1e-9.
//
// Where we differ from R: the stationary covariance of the ARMA states
// (R's getQ0, Gardner et al.'s algorithm AS 154) is solved directly for up
// to four states, else summed from the outer products of the state's
// MA(infinity) weights, or near a unit root found by doubling on the
// Lyapunov equation P = T P T' + R R'; all are exact up to rounding. The
// likelihood searches use StationaryArmaLikelihood (Chandrasekhar
// recursions), which needs only the covariance's first column, from the
// ARMA autocovariances.
#ifndef TSFORECAST_FORECAST_ARIMA_STATE_SPACE_H_
#define TSFORECAST_FORECAST_ARIMA_STATE_SPACE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace tsforecast::forecast::arima {

inline constexpr double kDiffusePrior = 1e6;  // R's kappa

class StateSpace {
 public:
  // phi and theta: the full (seasonally expanded) AR and MA coefficients;
  // delta: the differencing polynomial's coefficients with R's sign
  // (y_t = delta_1 y_{t-1} + ... for the integrated part).
  // FAILED_PRECONDITION when the ARMA part has no stationary covariance.
  static absl::StatusOr<StateSpace> Make(std::vector<double> phi,
                                         std::vector<double> theta,
                                         std::vector<double> delta);

  struct Likelihood {
    double ssq = 0;     // sum of squared standardised prediction errors
    double sumlog = 0;  // sum of log gains
    int used = 0;       // observations counted (gain < 1e4)
  };
  // Filters y from the initial state; afterwards the state is the filtered
  // one at the last observation (ready to forecast). `residuals`, when not
  // null, gets the standardised prediction errors.
  Likelihood Filter(absl::Span<const double> y,
                    std::vector<double>* residuals = nullptr);

  // Means and variances (in units of sigma^2) of the next `horizon`
  // observations from the current state.
  void Forecast(int horizon, std::vector<double>& mean,
                std::vector<double>& variance) const;

 private:
  StateSpace() = default;
  // out = T p T' + V for symmetric p; `tp` is scratch for T p.
  void Predict(const std::vector<double>& p, std::vector<double>& tp,
               std::vector<double>& out) const;
  // anew = T a.
  void StepMean(const std::vector<double>& a, std::vector<double>& anew) const;

  // Row i of T as (column, coefficient) pairs: T is sparse (the AR column,
  // the shift, the differencing row).
  struct Term {
    int column;
    double coefficient;
  };

  std::vector<double> phi_, theta_, delta_;
  std::vector<std::vector<Term>> rows_;
  int r_ = 0, rd_ = 0;
  std::vector<double> a_;   // state mean
  std::vector<double> p_;   // state covariance (rd x rd, row-major)
  std::vector<double> pn_;  // initial predicted covariance
};

// The stationary covariance of Harvey's ARMA state (r x r, row-major) for
// unit innovation variance; FAILED_PRECONDITION when phi is not stationary.
absl::StatusOr<std::vector<double>> StationaryCovariance(
    absl::Span<const double> phi, absl::Span<const double> theta, int r);

// Column 0 of StationaryCovariance (all the Chandrasekhar recursions need),
// exactly from the ARMA autocovariances.
absl::StatusOr<std::vector<double>> StationaryCovarianceColumn(
    absl::Span<const double> phi, absl::Span<const double> theta, int r);

// The likelihood StateSpace::Filter gives for a model without differencing,
// by the Chandrasekhar recursions: O(r) a step instead of O(r^2), for the
// likelihood searches.
absl::StatusOr<StateSpace::Likelihood> StationaryArmaLikelihood(
    absl::Span<const double> phi, absl::Span<const double> theta,
    absl::Span<const double> y);

}  // namespace tsforecast::forecast::arima

#endif  // TSFORECAST_FORECAST_ARIMA_STATE_SPACE_H_
