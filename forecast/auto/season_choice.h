// Which season lengths a series shows, decided from its data: the seasonal
// strength of Wang, Smith and Hyndman (2006), 1 - var(remainder) /
// var(season + remainder) from an STL decomposition, at least 0.4, with
// three full cycles of data. The threshold was tuned on every development
// set together (0.3, 0.4, 0.5 and R's nsdiffs threshold 0.64 tried, and
// M4's test): 0.4 was best or within 0.5% of the best on each. The strength is
// measured on what is left once STL's trend is taken out, so a trending price
// does not look seasonal, as it does to M4's autocorrelation test
// (seasonality.h), whose limits assume a stationary series.
#ifndef TSFORECAST_FORECAST_AUTO_SEASON_CHOICE_H_
#define TSFORECAST_FORECAST_AUTO_SEASON_CHOICE_H_

#include <string>
#include <vector>

#include "absl/types/span.h"

namespace tsforecast::forecast {

inline constexpr double kSeasonalStrengthThreshold = 0.4;

struct SeasonChoice {
  struct Measured {
    double length = 0;
    double strength = 0;  // -1: too short to measure
  };
  std::vector<double> kept;        // the lengths to model, shortest first
  std::vector<Measured> measured;  // every length offered
  // "m=12 (strength 0.81)", "none (m=12 strength 0.21)".
  std::string Describe() const;
};

SeasonChoice ChooseSeasons(absl::Span<const double> values,
                           absl::Span<const double> season_lengths);

}  // namespace tsforecast::forecast

#endif  // TSFORECAST_FORECAST_AUTO_SEASON_CHOICE_H_
