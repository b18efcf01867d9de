// Non-seasonal additive ETS (ses, holt, damped) for tests, estimated or
// with fixed parameters given in the textbook order.
#ifndef TSFORECAST_TESTS_TESTING_SMOOTHING_H_
#define TSFORECAST_TESTS_TESTING_SMOOTHING_H_

#include "forecast/ets/ets_model.h"

namespace tsforecast::forecast {

struct FixedSmoothing {
  double alpha, beta, phi, level0, trend0;
};

inline EtsModel Smoothing(EtsTrend trend) {
  return EtsModel({EtsError::kAdditive, trend, EtsSeason::kNone});
}

inline EtsModel Smoothing(EtsTrend trend, FixedSmoothing f) {
  return EtsModel({EtsError::kAdditive, trend, EtsSeason::kNone}, "ets",
                  EtsParameters{.alpha = f.alpha,
                                .beta = f.beta,
                                .phi = f.phi,
                                .level0 = f.level0,
                                .trend0 = f.trend0});
}

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_TESTS_TESTING_SMOOTHING_H_
