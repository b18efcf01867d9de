// The coefficient layout R's arima uses (ar, ma, sar, sma, then the
// regression) and its transformations: the seasonal products expanded into
// full AR and MA polynomials (R's ArimaTransPars), Jones' (1980)
// stationarity-preserving PACF map and its inverse (partrans,
// invpartrans) with its Jacobian (ArimaGradtrans), and MA invertibility
// (maInvert). Internal to forecast/arima/.
#ifndef TSFORECAST_FORECAST_ARIMA_PARAMETERS_H_
#define TSFORECAST_FORECAST_ARIMA_PARAMETERS_H_

#include <vector>

#include "absl/types/span.h"
#include "forecast/arima/arima_fit.h"

namespace tsforecast::forecast::arima {

// Jones' map from R^p to the stationary region: tanh to partial
// autocorrelations, then Durbin-Levinson (R's partrans).
void PacfToAr(absl::Span<const double> raw, double* out);

// The inverse (R's invpartrans); the AR part must be stationary.
void ArToPacf(absl::Span<const double> ar, double* out);

// Applies `f` (PacfToAr or ArToPacf) to the AR and seasonal AR blocks of
// coef.
template <typename F>
void ForArBlocks(const ArimaOrder& o, std::vector<double>& coef, F f) {
  if (o.p > 0) {
    std::vector<double> in(coef.begin(), coef.begin() + o.p);
    f(absl::Span<const double>(in), &coef[0]);
  }
  if (o.P > 0) {
    const size_t at = o.p + o.q;
    std::vector<double> in(coef.begin() + at, coef.begin() + at + o.P);
    f(absl::Span<const double>(in), &coef[at]);
  }
}

// The seasonal products expanded into full phi and theta.
void Expand(const ArimaOrder& o, absl::Span<const double> coef,
            std::vector<double>& phi, std::vector<double>& theta);

// d partrans / d raw by forward differences (R's ArimaGradtrans):
// jacobian[i * k + j] = d coef_j / d raw_i.
std::vector<double> TransformJacobian(const ArimaOrder& o,
                                      const std::vector<double>& raw);

// Reflects the MA and seasonal MA parts of coef to invertibility (R's
// maInvert, applied before and after the ML search).
void MakeInvertible(const ArimaOrder& o, std::vector<double>& coef);

}  // namespace tsforecast::forecast::arima

#endif  // TSFORECAST_FORECAST_ARIMA_PARAMETERS_H_
