#include "forecast/auto/season_choice.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "forecast/arima/differencing_tests.h"

namespace tsforecast::forecast {

SeasonChoice ChooseSeasons(absl::Span<const double> values,
                           absl::Span<const double> season_lengths) {
  SeasonChoice choice;
  std::vector<double> lengths(season_lengths.begin(), season_lengths.end());
  std::sort(lengths.begin(), lengths.end());
  for (double m : lengths) {
    const long p = std::lround(m);
    if (p < 2) continue;
    SeasonChoice::Measured measured{m, -1};
    if (values.size() >= 3 * static_cast<size_t>(p) &&
        !arima::IsConstant(values)) {
      measured.strength = arima::SeasonalStrength(values, static_cast<int>(p));
      if (measured.strength >= kSeasonalStrengthThreshold) {
        choice.kept.push_back(m);
      }
    }
    choice.measured.push_back(measured);
  }
  return choice;
}

std::string SeasonChoice::Describe() const {
  std::vector<std::string> parts;
  for (const Measured& m : measured) {
    parts.push_back(m.strength < 0 ? absl::StrFormat("m=%g too short", m.length)
                                   : absl::StrFormat("m=%g strength %.2f",
                                                     m.length, m.strength));
  }
  const std::string detail = absl::StrJoin(parts, ", ");
  if (kept.empty()) {
    return parts.empty() ? "non-seasonal step"
                         : absl::StrCat("no season (", detail, ")");
  }
  return absl::StrCat("seasons {", absl::StrJoin(kept, ", "), "} (", detail,
                      ")");
}

}  // namespace tsforecast::forecast
