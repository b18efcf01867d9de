// R's forecasts on the development sets (written by
// scripts/golden/r_accuracy_reference.R) and the committed table of their
// scores (bench/reference/r_forecast_scores.csv), so that the runner prints
// R beside our models without R installed.
#ifndef TSFORECAST_BENCH_ACCURACY_R_REFERENCE_H_
#define TSFORECAST_BENCH_ACCURACY_R_REFERENCE_H_

#include <map>
#include <string>
#include <vector>

#include "bench/accuracy/data_sets.h"
#include "bench/accuracy/scoring.h"

namespace tsforecast::bench {

struct RReferenceRow {
  std::string set;
  std::string method;  // "R_auto.arima", ...
  int stride = 1;      // R ran on every stride-th series
  Scores scores;
};

std::vector<RReferenceRow> ReadRReference(const std::string& path);
void WriteRReference(const std::string& path,
                     const std::vector<RReferenceRow>& rows);

struct RForecasts {
  // Aligned with the set's series; `included` marks those R ran.
  std::map<std::string, std::vector<SeriesForecast>> methods;
  std::vector<bool> included;
  int stride = 1;
};

// Empty `methods` when the files are missing.
RForecasts ReadRForecasts(const std::string& dir, const std::string& set,
                          const std::vector<Series>& data);

}  // namespace tsforecast::bench

#endif  // TSFORECAST_BENCH_ACCURACY_R_REFERENCE_H_
